import { z } from 'zod';
import { confirmPaymentIntent } from '../../../domain/payment-intents/confirm-payment-intent.js';
import { zOneOf } from '../../../http/catalog-params.js';
import { CommittedError, defineEndpoint } from '../../../http/endpoint.js';
import { zBool, zEmail, zId } from '../../../http/params.js';
import { paymentMethodDataInput } from '../payment_methods/schema.js';
import { paymentIntentIdParams, paymentIntentSchema, zUrl } from './schema.js';

export const confirmPaymentIntentBody = z.strictObject({
  payment_method: zId('pm').optional(),
  payment_method_data: paymentMethodDataInput.optional(),
  payment_method_type: zOneOf(['card']).optional(),
  return_url: zUrl().optional(),
  receipt_email: zEmail().refine((v) => v !== '', { error: 'must not be empty' }).optional(),
  setup_future_usage: zOneOf(['on_session', 'off_session']).optional(),
  off_session: zBool().optional(),
});
export type ConfirmPaymentIntentRequest = z.input<typeof confirmPaymentIntentBody>;

/** A decline answers 402 `card_declined` (committed and replayable: the failed charge is recorded). */
export const confirmPaymentIntentEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/payment_intents/:id/confirm'],
  summary: 'Confirm a PaymentIntent',
  tags: ['PaymentIntents'],
  params: paymentIntentIdParams,
  body: confirmPaymentIntentBody,
  response: paymentIntentSchema,
  handler: async ({ deps, actor, db, params, body }) => {
    const result = await confirmPaymentIntent({ deps, actor, db }, params.id, {
      payment_method: body.payment_method,
      payment_method_data: body.payment_method_data,
      return_url: body.return_url,
      receipt_email: body.receipt_email,
      setup_future_usage: body.setup_future_usage,
      off_session: body.off_session,
    });
    if (result.error) throw new CommittedError(result.error);
    return result.intent;
  },
});
