import { z } from 'zod';
import type { OpContext } from '../../../domain/context.js';
import { loadPrice } from '../../../domain/prices/load-price.js';
import type { Expander } from '../../../http/expand.js';
import {
  zAmount,
  zCurrency,
  zDecimalAmount,
  zRecurringInterval,
  zRequired,
  zStatementDescriptor,
  zTaxBehavior,
  zTaxCode,
  zUrl,
} from '../../../http/catalog-params.js';
import { expandParam, zBool, zId, zInt, zMetadata, zText, zTextSpelling } from '../../../http/params.js';
import { unlessMissing } from '../prices/schema.js';

/** A package dimension (inches or ounces): positive, at most two decimal places. */
const zDimension = () =>
  zRequired(
    z
      .union(
        [
          z.number(),
          zTextSpelling(z.string().regex(/^\d{1,7}(\.\d{1,2})?$/, { error: 'must be a number' }), 'a number').transform(Number),
        ],
        { error: 'must be a number' },
      )
      .pipe(
        z
          .number()
          .positive({ error: 'must be greater than 0' })
          .max(1_000_000, { error: 'must be at most 1000000' })
          .refine((n) => Math.round(n * 100) / 100 === n, { error: 'must have at most two decimal places' }),
      ),
  );

const packageDimensions = z.strictObject({
  height: zDimension(),
  length: zDimension(),
  width: zDimension(),
  weight: zDimension(),
});
const images = z.array(zUrl()).max(8, { error: 'can list at most 8 images' });
const marketingFeatures = z
  .array(z.strictObject({ name: zText(80, { min: 1 }) }))
  .max(15, { error: 'can list at most 15 features' });
/**
 * A list that "" or null empties (a form body cannot send an empty array). Read before validation, so an error
 * inside an item still names the item's field.
 */
const emptiable = <T extends z.ZodType>(list: T) => z.preprocess((v) => (v === '' || v === null ? [] : v), list);
/** "" or null, for fields an update may clear. */
const zClear = z.union([z.literal(''), z.null()]);

/** `default_price_data`: the product's first price, created with it. */
export const defaultPriceDataInput = z.strictObject({
  currency: zCurrency(),
  unit_amount: zAmount().optional(),
  unit_amount_decimal: zDecimalAmount().optional(),
  recurring: z.strictObject({ interval: zRecurringInterval(), interval_count: zInt(1, 365).optional() }).optional(),
  tax_behavior: zTaxBehavior().optional(),
  custom_unit_amount: z
    .strictObject({
      enabled: zRequired(zBool()),
      minimum: zAmount().optional(),
      maximum: zAmount().optional(),
      preset: zAmount().optional(),
    })
    .optional(),
  metadata: zMetadata().optional(),
});

export const createProductFields = {
  name: zText(5000, { min: 1 }),
  active: zBool().optional(),
  description: zText(5000, { multiline: true }).optional(),
  images: emptiable(images).optional(),
  marketing_features: emptiable(marketingFeatures).optional(),
  metadata: zMetadata().optional(),
  package_dimensions: packageDimensions.optional(),
  shippable: zBool().optional(),
  statement_descriptor: zStatementDescriptor().optional(),
  tax_code: zTaxCode().optional(),
  unit_label: zText(12).optional(),
  url: zUrl().optional(),
  default_price_data: defaultPriceDataInput.optional(),
};

/** Update: the same fields; null or "" clears a nullable one. `default_price` picks one of the product's prices. */
export const updateProductFields = {
  name: zText(5000, { min: 1 }).optional(),
  active: zBool().optional(),
  description: z.union([zText(5000, { multiline: true }), z.null()]).optional(),
  images: emptiable(images).optional(),
  marketing_features: emptiable(marketingFeatures).optional(),
  metadata: zMetadata().optional(),
  package_dimensions: z.union([packageDimensions, zClear]).optional(),
  shippable: z.union([zBool(), zClear]).optional(),
  statement_descriptor: z.union([zStatementDescriptor(), z.null()]).optional(),
  tax_code: z.union([zTaxCode(), zClear]).optional(),
  unit_label: z.union([zText(12), z.null()]).optional(),
  url: z.union([zUrl(), zClear]).optional(),
  default_price: z.union([zId('price'), zClear]).optional(),
};

export const productSchema = z
  .object({
    id: z.string(),
    object: z.literal('product'),
    active: z.boolean(),
    created: z.int(),
    default_price: z
      .union([
        z.string(),
        z.looseObject({ id: z.string(), object: z.literal('price') }).meta({ description: 'The expanded Price' }),
      ])
      .nullable(),
    description: z.string().nullable(),
    images: z.array(z.string()),
    livemode: z.boolean(),
    marketing_features: z.array(z.object({ name: z.string() })),
    metadata: z.record(z.string(), z.string()),
    name: z.string(),
    package_dimensions: z
      .object({ height: z.number(), length: z.number(), width: z.number(), weight: z.number() })
      .nullable(),
    shippable: z.boolean().nullable(),
    statement_descriptor: z.string().nullable(),
    tax_code: z.string().nullable(),
    unit_label: z.string().nullable(),
    updated: z.int(),
    url: z.string().nullable(),
  })
  .meta({ id: 'Product' });

export const deletedProductSchema = z
  .object({ id: z.string(), object: z.literal('product'), deleted: z.literal(true) })
  .meta({ id: 'DeletedProduct' });

export const productIdParams = z.strictObject({ id: zText(255) });
export const productRetrieveQuery = z.strictObject(expandParam);

/** Product `default_price` expands to the Price (decisions.md §8). */
export function productExpanders(ctx: OpContext): Record<string, Expander> {
  return { default_price: (id) => unlessMissing(loadPrice(ctx, id)) };
}
