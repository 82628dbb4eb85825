import { z } from 'zod';
import { createRefund } from '../../../domain/refunds/create-refund.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { refundFields, refundSchema } from '../refunds/schema.js';
import { paymentIntentIdParams } from './schema.js';

export const refundPaymentIntentBody = z.strictObject(refundFields);

export const refundPaymentIntentEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/payment_intents/:id/refund'],
  summary: 'Refund a PaymentIntent (the remaining captured amount unless amount is given)',
  tags: ['PaymentIntents', 'Refunds'],
  params: paymentIntentIdParams,
  body: refundPaymentIntentBody,
  response: refundSchema,
  handler: ({ deps, actor, db, params, body }) => createRefund({ deps, actor, db }, { ...body, payment_intent: params.id }, { paymentIntentParam: 'id' }),
});
