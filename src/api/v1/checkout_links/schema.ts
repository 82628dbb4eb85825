import { z } from 'zod';
import { LINK_DESCRIPTION_MAX, LINK_MAX_LINE_ITEMS, LINK_TITLE_MAX } from '../../../domain/checkout-links/checkout-link.js';
import { MAX_QUANTITY } from '../../../domain/checkout-sessions/session.js';
import { zCurrency, zOneOf, zRequired, zUrl } from '../../../http/catalog-params.js';
import { zBool, zId, zInt, zMetadata, zText } from '../../../http/params.js';
import { priceDataInput } from '../prices/schema.js';

/** A link's line items take `price_data` without `recurring` (links sell one-time prices). */
const linkLineItemInput = z.strictObject({
  price: zId('price').optional(),
  price_data: priceDataInput.omit({ recurring: true }).optional(),
  quantity: zRequired(zInt(1, MAX_QUANTITY)),
});

const afterCompletionInput = z.strictObject({
  type: zRequired(zOneOf(['redirect', 'hosted_confirmation'])),
  redirect: z.strictObject({ url: zUrl() }).optional(),
  hosted_confirmation: z.strictObject({ custom_message: zText(500, { multiline: true }).optional() }).optional(),
});

const restrictionsInput = z.strictObject({
  completed_sessions: z.strictObject({ limit: zRequired(zInt(1, 1_000_000_000)) }),
});

const paymentMethodTypes = z.array(zOneOf(['card']), { error: "must be a list of payment method types ('card')" }).min(1, {
  error: 'must list at least one type',
});

export const createLinkFields = {
  title: zText(LINK_TITLE_MAX, { min: 1 }),
  line_items: z.array(linkLineItemInput, { error: 'must be a list of line items' }).max(LINK_MAX_LINE_ITEMS, {
    error: `can have at most ${LINK_MAX_LINE_ITEMS} items`,
  }),
  mode: zOneOf(['payment', 'order']).optional(),
  description: zText(LINK_DESCRIPTION_MAX, { multiline: true }).optional(),
  currency: zCurrency().optional(),
  after_completion: afterCompletionInput.optional(),
  billing_address_collection: zOneOf(['auto', 'required']).optional(),
  metadata: zMetadata().optional(),
  inactive_message: zText(500, { multiline: true }).optional(),
  payment_method_types: paymentMethodTypes.optional(),
  allow_promotion_codes: zBool().optional(),
  restrictions: restrictionsInput.optional(),
  submit_type: zOneOf(['auto', 'pay', 'book', 'donate']).optional(),
};

export const updateLinkFields = {
  active: zBool().optional(),
  metadata: zMetadata().optional(),
  after_completion: afterCompletionInput.optional(),
  billing_address_collection: zOneOf(['auto', 'required']).optional(),
  inactive_message: z.union([zText(500, { multiline: true }), z.null()]).optional(),
  payment_method_types: paymentMethodTypes.optional(),
  restrictions: z.union([restrictionsInput, z.literal('').transform(() => null), z.null()]).optional(),
  submit_type: zOneOf(['auto', 'pay', 'book', 'donate']).optional(),
};

export const linkIdParams = z.strictObject({ id: zText(255) });

export const checkoutLinkSchema = z
  .object({
    id: z.string(),
    object: z.literal('checkout_link'),
    active: z.boolean(),
    after_completion: z.object({
      type: z.enum(['redirect', 'hosted_confirmation']),
      redirect: z.object({ url: z.string() }).optional(),
      hosted_confirmation: z.object({ custom_message: z.string() }).optional(),
    }),
    allow_promotion_codes: z.boolean(),
    billing_address_collection: z.enum(['auto', 'required']),
    created: z.int(),
    currency: z.string(),
    custom_fields: z.array(z.unknown()),
    custom_text: z.record(z.string(), z.unknown()),
    description: z.string().nullable(),
    inactive_message: z.string().nullable(),
    livemode: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    mode: z.enum(['payment', 'order']),
    payment_method_types: z.array(z.string()),
    restrictions: z.object({ completed_sessions: z.object({ limit: z.int() }) }).nullable(),
    submit_type: z.enum(['auto', 'pay', 'book', 'donate']),
    title: z.string(),
    url: z.string(),
  })
  .meta({ id: 'CheckoutLink' });
