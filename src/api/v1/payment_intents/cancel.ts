import { z } from 'zod';
import { cancelPaymentIntent } from '../../../domain/payment-intents/cancel-payment-intent.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zText } from '../../../http/params.js';
import { paymentIntentIdParams, paymentIntentSchema } from './schema.js';

export const cancelPaymentIntentBody = z.strictObject({
  /** Free text (Fluveo); Stripe's values `duplicate`, `fraudulent`, `requested_by_customer`, `abandoned` fit. */
  cancellation_reason: zText(1000, { min: 1 }).optional(),
});

export const cancelPaymentIntentEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/payment_intents/:id/cancel'],
  summary: 'Cancel a PaymentIntent',
  tags: ['PaymentIntents'],
  params: paymentIntentIdParams,
  body: cancelPaymentIntentBody,
  response: paymentIntentSchema,
  handler: ({ deps, actor, db, params, body }) => cancelPaymentIntent({ deps, actor, db }, params.id, body.cancellation_reason),
});
