import { z } from 'zod';
import { updatePaymentIntent } from '../../../domain/payment-intents/update-payment-intent.js';
import { zOneOf } from '../../../http/catalog-params.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zId, zInt } from '../../../http/params.js';
import { MAX_AMOUNT } from '../../../lib/currencies.js';
import { paymentMethodDataInput } from '../payment_methods/schema.js';
import { paymentIntentFields, paymentIntentIdParams, paymentIntentSchema, zCurrency } from './schema.js';

export const updatePaymentIntentBody = z.strictObject({
  ...paymentIntentFields,
  customer: z.union([zId('cus'), z.literal('').transform(() => null), z.null()]).optional(),
  setup_future_usage: z.union([zOneOf(['on_session', 'off_session']), z.literal('').transform(() => null), z.null()]).optional(),
  amount: zInt(1, MAX_AMOUNT).optional(),
  currency: zCurrency().optional(),
  payment_method_data: paymentMethodDataInput.optional(),
});
export type UpdatePaymentIntentRequest = z.input<typeof updatePaymentIntentBody>;

export const updatePaymentIntentEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/payment_intents/:id'],
  summary: 'Update a PaymentIntent (amount and payment details only before it is paid)',
  tags: ['PaymentIntents'],
  params: paymentIntentIdParams,
  body: updatePaymentIntentBody,
  response: paymentIntentSchema,
  handler: ({ deps, actor, db, params, body }) => updatePaymentIntent({ deps, actor, db }, params.id, body),
});
