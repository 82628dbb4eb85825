import { z } from 'zod';
import { retrievePaymentMethod } from '../../../domain/payment-methods/retrieve-payment-method.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { expandParam } from '../../../http/params.js';
import { paymentMethodIdParams, paymentMethodSchema } from './schema.js';

/** Also answers the shared test ids (`pm_card_visa`, …) in test mode, as PaymentMethods with that id. */
export const retrievePaymentMethodEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/payment_methods/:id'],
  summary: 'Retrieve a PaymentMethod',
  tags: ['PaymentMethods'],
  params: paymentMethodIdParams,
  query: z.strictObject(expandParam),
  response: paymentMethodSchema,
  handler: async ({ deps, actor, db, params, query }) => {
    await applyExpand([], query.expand, {});
    return retrievePaymentMethod({ deps, actor, db }, params.id);
  },
});
