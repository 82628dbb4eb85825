import { z } from 'zod';
import type { OpContext } from '../../../domain/context.js';
import { presentCustomer, retrieveCustomer } from '../../../domain/customers/retrieve-customer.js';
import { loadSessionRow } from '../../../domain/checkout-sessions/session-store.js';
import { loadPaymentIntent, presentPaymentIntent } from '../../../domain/payment-intents/payment-intent-store.js';
import { applyExpand, type Expander } from '../../../http/expand.js';
import { zCurrency, zOneOf, zRequired, zStatementDescriptor, zUrl } from '../../../http/catalog-params.js';
import { zAddress, zBool, zEmail, zId, zInt, zMetadata, zText } from '../../../http/params.js';
import { MAX_AMOUNT } from '../../../lib/currencies.js';
import { AppError } from '../../../lib/errors.js';
import { MAX_LINE_ITEMS, MAX_QUANTITY, presentLineItem } from '../../../domain/checkout-sessions/session.js';
import { priceDataInput, priceSchema } from '../prices/schema.js';
import { createShippingRateFields } from '../shipping_rates/schema.js';

// ---- Requests ----

/** One requested line: exactly one of `price` / `price_data` (checked in the domain, naming the item), a quantity. */
export const lineItemInput = z.strictObject({
  price: zId('price').optional(),
  price_data: priceDataInput.optional(),
  quantity: zRequired(zInt(1, MAX_QUANTITY)),
});

export const lineItemsInput = z.array(lineItemInput, { error: 'must be a list of line items' }).max(MAX_LINE_ITEMS, {
  error: `can have at most ${MAX_LINE_ITEMS} items`,
});

export const shippingOptionInput = z.strictObject({
  shipping_rate: zId('shr').optional(),
  shipping_rate_data: z.strictObject(createShippingRateFields).optional(),
});

/** An ISO 3166-1 alpha-2 code; any two letters pass here, unknown codes are refused by the domain with their index. */
const zCountryInput = () =>
  z
    .string({ error: 'must be a two-letter country code' })
    .regex(/^[A-Za-z]{2}$/, { error: 'must be a two-letter country code' })
    .transform((s) => s.toUpperCase());

/** `phone_number_collection` as a boolean or Stripe's `{enabled: bool}`; the session shows a boolean. */
export const zPhoneNumberCollection = () =>
  z.union([zBool(), z.strictObject({ enabled: zRequired(zBool()) }).transform((o) => o.enabled)], {
    error: 'must be a boolean or {enabled: boolean}',
  });

export const shippingDetailsInput = z.strictObject({
  name: zText(256).optional(),
  address: zAddress().optional(),
});

export const createSessionFields = {
  mode: zOneOf(['payment', 'order']).optional(),
  ui_mode: zOneOf(['hosted', 'embedded', 'custom']).optional(),
  line_items: lineItemsInput,
  success_url: zUrl().optional(),
  cancel_url: zUrl().optional(),
  customer: zId('cus').optional(),
  customer_email: zEmail().refine((s) => s.length > 0, { error: 'must not be empty' }).optional(),
  customer_creation: zOneOf(['always', 'if_required']).optional(),
  billing_address_collection: zOneOf(['auto', 'required']).optional(),
  shipping_address_collection: z
    .strictObject({
      allowed_countries: zRequired(z.array(zCountryInput(), { error: 'must be a list of country codes' }).max(250, { error: 'can list at most 250 countries' })),
    })
    .optional(),
  shipping_options: z.array(shippingOptionInput, { error: 'must be a list of shipping options' }).optional(),
  phone_number_collection: zPhoneNumberCollection().optional(),
  client_reference_id: zText(200, { min: 1 }).optional(),
  payment_intent_data: z
    .strictObject({
      capture_method: zOneOf(['automatic', 'automatic_async', 'manual']).optional(),
      description: zText(1000, { multiline: true }).optional(),
      statement_descriptor: zStatementDescriptor().optional(),
      metadata: zMetadata({ maxKeys: 32, reservedKeys: ['order_id', 'invoice'] }).optional(),
      application_fee_amount: zInt(0, MAX_AMOUNT).optional(),
    })
    .optional(),
  currency: zCurrency().optional(),
  expires_at: zInt(0, 99_999_999_999).optional(),
  metadata: zMetadata().optional(),
};

export const updateSessionFields = {
  metadata: zMetadata().optional(),
  customer_email: z.union([zEmail(), z.null()]).optional(),
  shipping_details: z.union([shippingDetailsInput, z.literal('').transform(() => null), z.null()]).optional(),
  shipping_options: z.union([z.array(shippingOptionInput), z.literal('').transform(() => [])]).optional(),
};

export const sessionIdParams = z.strictObject({ id: zText(255) });

// ---- Responses ----

/** A postal address as objects show it (customer_details, shipping_details). */
export const addressSchema = z.object({
  line1: z.string().nullable(),
  line2: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  postal_code: z.string().nullable(),
  country: z.string().nullable(),
});

/** The fields of a line item (`object: "item"`), a session's or a checkout link's. */
export const lineItemFields = {
  id: z.string(),
  object: z.literal('item'),
  amount_discount: z.int(),
  amount_subtotal: z.int(),
  amount_tax: z.int(),
  amount_total: z.int(),
  currency: z.string(),
  description: z.string(),
  quantity: z.int(),
};

export const lineItemSchema = z
  .object({
    ...lineItemFields,
    price: z.union([z.string(), priceSchema]).meta({ description: 'The price id; the Price as it was at creation with expand[]=data.price' }),
  })
  .meta({ id: 'CheckoutSessionLineItem' });

const shippingOptionSchema = z.object({ shipping_rate: z.string(), shipping_amount: z.int() });
const totalDetailsSchema = z.object({ amount_discount: z.int(), amount_shipping: z.int(), amount_tax: z.int() });
const lineItemListSchema = z.object({
  object: z.literal('list'),
  data: z.array(lineItemSchema),
  has_more: z.boolean(),
  url: z.string(),
  next_cursor: z.string().nullable(),
});

export const sessionSchema = z
  .object({
    id: z.string(),
    object: z.literal('checkout.session'),
    amount_subtotal: z.int(),
    amount_total: z.int(),
    billing_address_collection: z.enum(['auto', 'required']),
    cancel_url: z.string().nullable(),
    checkout_link: z.string().nullable(),
    client_reference_id: z.string().nullable(),
    client_secret: z.string().nullable(),
    created: z.int(),
    currency: z.string(),
    customer: z.union([z.string(), z.looseObject({ id: z.string(), object: z.literal('customer') })]).nullable(),
    customer_creation: z.enum(['always', 'if_required']),
    customer_details: z
      .object({ email: z.string().nullable(), name: z.string().nullable(), phone: z.string().nullable(), address: addressSchema.nullable() })
      .nullable(),
    customer_email: z.string().nullable(),
    expires_at: z.int(),
    line_items: lineItemListSchema.optional().meta({ description: 'Present only when expanded' }),
    livemode: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    mode: z.enum(['payment', 'order']),
    payment_intent: z.union([z.string(), z.looseObject({ id: z.string(), object: z.literal('payment_intent') })]).nullable(),
    payment_status: z.enum(['unpaid', 'paid', 'no_payment_required']),
    phone_number_collection: z.boolean(),
    shipping_address_collection: z.object({ allowed_countries: z.array(z.string()) }).nullable(),
    shipping_cost: z
      .object({ amount_subtotal: z.int(), amount_tax: z.int(), amount_total: z.int(), shipping_rate: z.string() })
      .nullable(),
    shipping_details: z.object({ name: z.string().nullable(), address: addressSchema.nullable() }).nullable(),
    shipping_options: z.array(shippingOptionSchema),
    status: z.enum(['open', 'complete', 'expired']),
    success_url: z.string().nullable(),
    total_details: totalDetailsSchema,
    ui_mode: z.enum(['hosted', 'embedded', 'custom']),
    url: z.string().nullable(),
  })
  .meta({ id: 'CheckoutSession' });

export const clientViewSchema = z
  .object({
    object: z.literal('checkout.session.client'),
    id: z.string(),
    status: z.enum(['open', 'complete', 'expired']),
    payment_status: z.enum(['unpaid', 'paid', 'no_payment_required']),
    mode: z.enum(['payment', 'order']),
    currency: z.string(),
    line_items: z.array(lineItemSchema),
    amount_subtotal: z.int(),
    total_details: totalDetailsSchema,
    amount_total: z.int(),
    shipping_options: z.array(shippingOptionSchema),
    customer_email: z.string().nullable(),
    phone_number_collection: z.boolean(),
    billing_address_collection: z.enum(['auto', 'required']),
    shipping_address_collection: z.object({ allowed_countries: z.array(z.string()) }).nullable(),
    livemode: z.boolean(),
    expires_at: z.int(),
    next_action: z
      .object({ type: z.literal('redirect_to_url'), redirect_to_url: z.object({ url: z.string(), return_url: z.string().nullable() }) })
      .optional()
      .meta({ description: 'Present while the payment waits for the buyer to authenticate (3-D Secure)' }),
  })
  .meta({ id: 'CheckoutSessionClientView' });

// ---- Paths and expand ----

/** Both spellings of the resource path; the caller's spelling is echoed in list `url`s. */
export const SESSION_BASES = ['/v1/checkout/sessions', '/v1/checkout_sessions'] as const;

export function sessionPaths(suffix = ''): string[] {
  return SESSION_BASES.map((b) => `${b}${suffix}`);
}

/** The base the caller used (`/v1/checkout_sessions` or `/v1/checkout/sessions`). */
export function baseOf(path: string): string {
  return path.startsWith('/v1/checkout_sessions') ? '/v1/checkout_sessions' : '/v1/checkout/sessions';
}

/** Checkout Session `payment_intent`, `customer` and `line_items` expand (decisions.md §8). */
export function sessionExpanders(ctx: OpContext, base: string): Record<string, Expander> {
  const visible = async <T>(load: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await load();
    } catch (err) {
      if (err instanceof AppError && err.code === 'resource_missing') return undefined;
      throw err;
    }
  };
  return {
    payment_intent: (id) => visible(async () => presentPaymentIntent(ctx, (await loadPaymentIntent(ctx, id)).intent)),
    customer: (id) => visible(async () => presentCustomer(await retrieveCustomer(ctx, id))),
    // The session object has no `line_items` field: expanding it adds the list (the value handed in is the session id).
    line_items: (id) =>
      visible(async () => {
        const { lineItems } = await loadSessionRow(ctx, id);
        return { object: 'list', data: lineItems.map(presentLineItem), has_more: false, url: `${base}/${id}/line_items`, next_cursor: null };
      }),
  };
}

/** Expands the requested fields of sessions (retrieve: `field`; list: `data.field`). */
export async function expandSessions(
  ctx: OpContext,
  sessions: Record<string, unknown>[],
  requested: string[] | undefined,
  base: string,
  options: { list?: boolean } = {},
): Promise<void> {
  if (requested?.some((r) => r === (options.list ? 'data.line_items' : 'line_items'))) {
    for (const s of sessions) s.line_items = s.id;
  }
  await applyExpand(sessions, requested, sessionExpanders(ctx, base), options);
}
