import { z } from 'zod';
import { zAmount, zCurrency, zOneOf, zTaxBehavior, zTaxCode } from '../../../http/catalog-params.js';
import { expandParam, zBool, zInt, zMetadata, zText } from '../../../http/params.js';

const deliveryUnitInput = zOneOf(['hour', 'day', 'business_day', 'week', 'month']);
const deliveryBound = z.strictObject({ unit: deliveryUnitInput, value: zInt(1, 1000) });

export const createShippingRateFields = {
  display_name: zText(100, { min: 1 }),
  type: z.literal('fixed_amount', { error: "must be 'fixed_amount'" }).optional(),
  fixed_amount: z.strictObject({ amount: zAmount(), currency: zCurrency() }).optional(),
  delivery_estimate: z
    .strictObject({ minimum: deliveryBound.optional(), maximum: deliveryBound.optional() })
    .optional(),
  tax_behavior: zTaxBehavior().optional(),
  tax_code: zTaxCode().optional(),
  active: zBool().optional(),
  metadata: zMetadata().optional(),
};

export const updateShippingRateFields = {
  active: zBool().optional(),
  metadata: zMetadata().optional(),
  tax_behavior: zTaxBehavior().optional(),
};

const deliveryUnit = z.enum(['hour', 'day', 'business_day', 'week', 'month']);
const bound = z.object({ unit: deliveryUnit, value: z.int() }).nullable();

export const shippingRateSchema = z
  .object({
    id: z.string(),
    object: z.literal('shipping_rate'),
    active: z.boolean(),
    created: z.int(),
    delivery_estimate: z.object({ maximum: bound, minimum: bound }).nullable(),
    display_name: z.string(),
    fixed_amount: z.object({ amount: z.int(), currency: z.string() }),
    livemode: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    tax_behavior: z.enum(['inclusive', 'exclusive', 'unspecified']),
    tax_code: z.string().nullable(),
    type: z.literal('fixed_amount'),
  })
  .meta({ id: 'ShippingRate' });

export const shippingRateIdParams = z.strictObject({ id: zText(255) });
export const shippingRateRetrieveQuery = z.strictObject(expandParam);
