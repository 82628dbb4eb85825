import { z } from 'zod';
import { MAX_ORDER_LINE_ITEMS } from '../../../domain/orders/order.js';
import { MAX_QUANTITY } from '../../../domain/checkout-sessions/session.js';
import { zAmount, zCurrency, zRequired } from '../../../http/catalog-params.js';
import { zAddress, zId, zInt, zMetadata, zText } from '../../../http/params.js';
import { addressSchema } from '../checkout_sessions/schema.js';

export const orderAddressInput = zAddress().extend({ name: zText(256).optional() });

export const orderLineItemInput = z.strictObject({
  title: zText(250, { min: 1 }).optional(),
  quantity: zRequired(zInt(1, MAX_QUANTITY)),
  unit_price: zAmount().optional(),
  price: zId('price').optional(),
  product: zId('prod').optional(),
});

export const createOrderFields = {
  currency: zCurrency(),
  line_items: z.array(orderLineItemInput, { error: 'must be a list of line items' }).max(MAX_ORDER_LINE_ITEMS, {
    error: `can have at most ${MAX_ORDER_LINE_ITEMS} items`,
  }),
  customer: zId('cus').optional(),
  metadata: zMetadata().optional(),
  shipping_address: orderAddressInput.optional(),
  billing_address: orderAddressInput.optional(),
  shipping_rate: zId('shr').optional(),
  shipping_cost: zAmount().optional(),
  shipping_method: z.strictObject({ display_name: zText(100, { min: 1 }) }).optional(),
};

export const orderIdParams = z.strictObject({ id: zText(255) });

const orderAddress = addressSchema.extend({ name: z.string().nullable() }).nullable();

export const orderSchema = z
  .object({
    id: z.string(),
    object: z.literal('order'),
    status: z.enum(['open', 'completed', 'canceled']),
    payment_status: z.enum(['unpaid', 'paid']),
    fulfillment_status: z.enum(['unfulfilled', 'fulfilled']),
    currency: z.string(),
    line_items: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        quantity: z.int(),
        unit_price: z.int(),
        amount: z.int(),
        price: z.string().nullable(),
        product: z.string().nullable(),
      }),
    ),
    amount_subtotal: z.int(),
    amount_shipping: z.int(),
    amount_tax: z.int(),
    amount_total: z.int(),
    customer: z.string().nullable(),
    checkout_session: z.string().nullable(),
    payment_intent: z.string().nullable(),
    shipping_address: orderAddress,
    billing_address: orderAddress,
    shipping_method: z.object({ shipping_rate: z.string().nullable(), display_name: z.string().nullable() }).nullable(),
    shipping_cost: z.int().nullable(),
    metadata: z.record(z.string(), z.string()),
    livemode: z.boolean(),
    created: z.int(),
  })
  .meta({ id: 'Order' });
