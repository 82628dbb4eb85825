import { retrievePaymentMethod } from '../../../domain/payment-methods/retrieve-payment-method.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { paymentMethodIdParams, paymentMethodSchema } from './schema.js';

/** Also answers the shared test ids (`pm_card_visa`, …) in test mode, as PaymentMethods with that id. */
export const retrievePaymentMethodEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/payment_methods/:id'],
  summary: 'Retrieve a PaymentMethod',
  tags: ['PaymentMethods'],
  params: paymentMethodIdParams,
  response: paymentMethodSchema,
  handler: ({ deps, actor, db, params }) => retrievePaymentMethod({ deps, actor, db }, params.id),
});
