import { retrievePaymentIntent } from '../../../domain/payment-intents/retrieve-payment-intent.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { paymentIntentExpanders, paymentIntentIdParams, paymentIntentRetrieveQuery, paymentIntentSchema } from './schema.js';

export const retrievePaymentIntentEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/payment_intents/:id'],
  summary: 'Retrieve a PaymentIntent (expand: customer)',
  tags: ['PaymentIntents'],
  params: paymentIntentIdParams,
  query: paymentIntentRetrieveQuery,
  response: paymentIntentSchema,
  handler: async ({ deps, actor, db, params, query }) => {
    const ctx = { deps, actor, db };
    const intent = (await retrievePaymentIntent(ctx, params.id)) as unknown as Record<string, unknown>;
    await applyExpand([intent], query.expand, paymentIntentExpanders(ctx));
    return intent;
  },
});
