import { detachPaymentMethod } from '../../../domain/payment-methods/detach-payment-method.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { paymentMethodIdParams, paymentMethodSchema } from './schema.js';

export const detachPaymentMethodEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/payment_methods/:id/detach'],
  summary: 'Detach a PaymentMethod from its customer (it cannot be used again)',
  tags: ['PaymentMethods'],
  params: paymentMethodIdParams,
  response: paymentMethodSchema,
  handler: ({ deps, actor, db, params }) => detachPaymentMethod({ deps, actor, db }, params.id),
});
