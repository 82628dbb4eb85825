import { z } from 'zod';
import { attachPaymentMethod } from '../../../domain/payment-methods/attach-payment-method.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zId } from '../../../http/params.js';
import { paymentMethodIdParams, paymentMethodSchema } from './schema.js';

export const attachPaymentMethodBody = z.strictObject({ customer: zId('cus') });

export const attachPaymentMethodEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/payment_methods/:id/attach'],
  summary: 'Attach a PaymentMethod to a customer (a test id attaches a new copy of its card)',
  tags: ['PaymentMethods'],
  params: paymentMethodIdParams,
  body: attachPaymentMethodBody,
  response: paymentMethodSchema,
  handler: ({ deps, actor, db, params, body }) => attachPaymentMethod({ deps, actor, db }, params.id, body.customer, { param: 'id' }),
});
