import { z } from 'zod';
import type { OpContext } from '../../../domain/context.js';
import { presentProduct } from '../../../domain/products/present-product.js';
import { retrieveProduct } from '../../../domain/products/retrieve-product.js';
import type { Expander } from '../../../http/expand.js';
import {
  zAmount,
  zCurrency,
  zDecimalAmount,
  zOneOf,
  zRecurringInterval,
  zRequired,
  zStatementDescriptor,
  zTaxBehavior,
  zTaxCode,
  zUrl,
} from '../../../http/catalog-params.js';
import { expandParam, zBool, zId, zInt, zMetadata, zText } from '../../../http/params.js';
import { AppError } from '../../../lib/errors.js';

const recurringInput = z.strictObject({
  interval: zRecurringInterval(),
  interval_count: zInt(1, 365).optional(),
  usage_type: zOneOf(['licensed', 'metered']).optional(),
});

const customUnitAmountInput = z.strictObject({
  enabled: zRequired(zBool()),
  minimum: zAmount().optional(),
  maximum: zAmount().optional(),
  preset: zAmount().optional(),
});

const tierInput = z.strictObject({
  up_to: zRequired(
    z.union([z.literal('inf'), zInt(1, 999_999_999_999)], { error: "must be a positive integer or 'inf'" }),
  ),
  flat_amount: zAmount().optional(),
  flat_amount_decimal: zDecimalAmount().optional(),
  unit_amount: zAmount().optional(),
  unit_amount_decimal: zDecimalAmount().optional(),
});

/** The pricing terms of a price, as POST /v1/prices takes them. */
export const priceTermsFields = {
  currency: zCurrency(),
  unit_amount: zAmount().optional(),
  unit_amount_decimal: zDecimalAmount().optional(),
  billing_scheme: zOneOf(['per_unit', 'tiered']).optional(),
  tiers: z.array(tierInput).max(100, { error: 'can have at most 100 tiers' }).optional(),
  tiers_mode: zOneOf(['graduated', 'volume']).optional(),
  type: zOneOf(['one_time', 'recurring']).optional(),
  recurring: recurringInput.optional(),
  custom_unit_amount: customUnitAmountInput.optional(),
  transform_quantity: z
    .strictObject({ divide_by: zRequired(zInt(1, 1_000_000_000)), round: zOneOf(['up', 'down']) })
    .optional(),
  tax_behavior: zTaxBehavior().optional(),
  active: zBool().optional(),
  lookup_key: zText(200, { min: 1 }).optional(),
  nickname: zText(5000).optional(),
  metadata: zMetadata().optional(),
};

/** `product_data` of POST /v1/prices: a new product for the price. */
export const priceProductDataInput = z.strictObject({
  name: zText(5000, { min: 1 }),
  active: zBool().optional(),
  metadata: zMetadata().optional(),
  statement_descriptor: zStatementDescriptor().optional(),
  tax_code: zTaxCode().optional(),
  unit_label: zText(12).optional(),
});

/**
 * An inline price (`line_items[].price_data` of checkout): embed it in a request schema and hand the parsed value to
 * `createPriceFromData`. Errors of fields inside it name their full bracket path.
 */
export const priceDataInput = z.strictObject({
  currency: zCurrency(),
  unit_amount: zAmount().optional(),
  unit_amount_decimal: zDecimalAmount().optional(),
  product: zId('prod').optional(),
  product_data: z
    .strictObject({
      name: zText(5000, { min: 1 }),
      description: zText(5000, { multiline: true }).optional(),
      images: z.array(zUrl()).max(8, { error: 'can list at most 8 images' }).optional(),
      metadata: zMetadata().optional(),
      tax_code: zTaxCode().optional(),
      unit_label: zText(12).optional(),
    })
    .optional(),
  recurring: z.strictObject({ interval: zRecurringInterval(), interval_count: zInt(1, 365).optional() }).optional(),
  tax_behavior: zTaxBehavior().optional(),
});

// ---- Responses ----

const tierSchema = z.object({
  flat_amount: z.int().nullable(),
  flat_amount_decimal: z.string().nullable(),
  unit_amount: z.int().nullable(),
  unit_amount_decimal: z.string().nullable(),
  up_to: z.int().nullable(),
});

export const priceSchema = z
  .object({
    id: z.string(),
    object: z.literal('price'),
    active: z.boolean(),
    billing_scheme: z.enum(['per_unit', 'tiered']),
    created: z.int(),
    currency: z.string(),
    custom_unit_amount: z
      .object({ enabled: z.literal(true), maximum: z.int().nullable(), minimum: z.int().nullable(), preset: z.int().nullable() })
      .nullable(),
    livemode: z.boolean(),
    lookup_key: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    nickname: z.string().nullable(),
    product: z.union([
      z.string(),
      z.looseObject({ id: z.string(), object: z.literal('product') }).meta({ description: 'The expanded Product' }),
    ]),
    recurring: z
      .object({
        interval: z.enum(['day', 'week', 'month', 'year']),
        interval_count: z.int(),
        usage_type: z.enum(['licensed', 'metered']),
      })
      .nullable(),
    tax_behavior: z.enum(['inclusive', 'exclusive', 'unspecified']),
    tiers: z.array(tierSchema).nullable(),
    tiers_mode: z.enum(['graduated', 'volume']).nullable(),
    transform_quantity: z.object({ divide_by: z.int(), round: z.enum(['up', 'down']) }).nullable(),
    type: z.enum(['one_time', 'recurring']),
    unit_amount: z.int().nullable(),
    unit_amount_decimal: z.string().nullable(),
  })
  .meta({ id: 'Price' });

export const priceIdParams = z.strictObject({ id: zText(255) });
export const priceRetrieveQuery = z.strictObject(expandParam);

/** Swallows "not found" only: an expander leaves the id in place when the object is not the caller's. */
export async function unlessMissing<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AppError && err.code === 'resource_missing') return undefined;
    throw err;
  }
}

/** Price `product` expands to the Product (decisions.md §8); a list page reads each product once. */
export function priceExpanders(ctx: OpContext): Record<string, Expander> {
  const products = new Map<string, Promise<unknown>>();
  return {
    product: (id) => {
      let found = products.get(id);
      if (!found) {
        found = unlessMissing(retrieveProduct(ctx, id).then(presentProduct));
        products.set(id, found);
      }
      return found;
    },
  };
}
