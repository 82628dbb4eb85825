import { z } from 'zod';
import type { OpContext } from '../../../domain/context.js';
import { presentCustomer, retrieveCustomer } from '../../../domain/customers/retrieve-customer.js';
import { PAYMENT_INTENT_STATUSES } from '../../../domain/payment-intents/state-machine.js';
import { AppError } from '../../../lib/errors.js';
import type { Expander } from '../../../http/expand.js';
import { zCurrency, zOneOf, zRequired, zStatementDescriptor, zUrl } from '../../../http/catalog-params.js';
import { expandParam, zEmail, zId, zInt, zMetadata, zText } from '../../../http/params.js';
import { MAX_AMOUNT } from '../../../lib/currencies.js';
import { chargeListSchema } from '../charges/schema.js';

const nextActionSchema = z
  .union([
    z.object({
      type: z.literal('redirect_to_url'),
      redirect_to_url: z.object({ url: z.string(), return_url: z.string().nullable() }),
    }),
    z.object({
      type: z.literal('pix_display_qr_code'),
      pix_display_qr_code: z.object({ data: z.string(), expires_at: z.int() }),
    }),
  ])
  .nullable();

export const paymentIntentSchema = z
  .object({
    id: z.string(),
    object: z.literal('payment_intent'),
    amount: z.int(),
    amount_capturable: z.int(),
    amount_received: z.int(),
    application_fee_amount: z.int().nullable(),
    canceled_at: z.int().nullable(),
    cancellation_reason: z.string().nullable(),
    capture_method: z.enum(['automatic', 'automatic_async', 'manual']),
    charges: chargeListSchema,
    client_secret: z.string(),
    confirmation_method: z.enum(['automatic', 'manual']),
    created: z.int(),
    currency: z.string(),
    customer: z.union([z.string(), z.record(z.string(), z.unknown())]).nullable(),
    description: z.string().nullable(),
    last_payment_error: z
      .object({
        type: z.literal('payment_error'),
        code: z.string(),
        decline_code: z.string().nullable(),
        message: z.string(),
        charge: z.string().nullable(),
        payment_method: z.string().nullable(),
      })
      .nullable(),
    latest_charge: z.string().nullable(),
    livemode: z.boolean(),
    merchant_id: z.string(),
    metadata: z.record(z.string(), z.string()),
    next_action: nextActionSchema,
    payment_method: z.string().nullable(),
    payment_method_types: z.array(z.string()),
    psp_provider: z.enum(['stripe', 'starkbank']),
    receipt_email: z.string().nullable(),
    setup_future_usage: z.enum(['on_session', 'off_session']).nullable(),
    statement_descriptor: z.string().nullable(),
    statement_descriptor_suffix: z.string().nullable(),
    status: z.enum(PAYMENT_INTENT_STATUSES),
  })
  .meta({ id: 'PaymentIntent' });

/** A payment amount: a positive integer up to 99,999,999; the currency's minimum is checked with the currency. */
export const zPaymentAmount = () => zRequired(zInt(1, MAX_AMOUNT));

export const zPaymentMethodTypes = () =>
  z
    .array(zOneOf(['card', 'pix']))
    .min(1, { error: 'must list at least one type' })
    .max(2, { error: "lists 'card' and 'pix' at most" })
    .refine((types) => new Set(types).size === types.length, { error: 'must not repeat a type' });

export const paymentIntentIdParams = z.strictObject({ id: zText(255) });
export const paymentIntentRetrieveQuery = z.strictObject(expandParam);

/** "" unsets a text field, like null. */
export const emptyToNull = (s: string): string | null => (s === '' ? null : s);

/** Fields shared by create and update. */
export const paymentIntentFields = {
  customer: zId('cus').optional(),
  capture_method: zOneOf(['automatic', 'automatic_async', 'manual']).optional(),
  description: z.union([zText(1000, { multiline: true }).transform(emptyToNull), z.null()]).optional(),
  metadata: zMetadata().optional(),
  receipt_email: z.union([zEmail().transform(emptyToNull), z.null()]).optional(),
  statement_descriptor: z.union([zStatementDescriptor().transform(emptyToNull), z.null()]).optional(),
  statement_descriptor_suffix: z.union([zStatementDescriptor().transform(emptyToNull), z.null()]).optional(),
  setup_future_usage: zOneOf(['on_session', 'off_session']).optional(),
  payment_method: zId('pm').optional(),
};

export { zCurrency, zUrl };

/** PaymentIntent `customer` expands to the Customer (a deleted one to its tombstone). */
export function paymentIntentExpanders(ctx: OpContext): Record<string, Expander> {
  return {
    customer: async (id) => {
      try {
        return presentCustomer(await retrieveCustomer(ctx, id));
      } catch (err) {
        if (err instanceof AppError && err.code === 'resource_missing') return undefined;
        throw err;
      }
    },
  };
}
