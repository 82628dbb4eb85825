import { expireCheckoutSession } from '../../../domain/checkout-sessions/expire-checkout-session.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { sessionIdParams, sessionPaths, sessionSchema } from './schema.js';

export const expireCheckoutSessionEndpoint = defineEndpoint({
  method: 'POST',
  paths: sessionPaths('/:id/expire'),
  summary: 'Expire an open Checkout Session (its PaymentIntent is canceled)',
  tags: ['Checkout Sessions'],
  params: sessionIdParams,
  response: sessionSchema,
  handler: ({ deps, actor, db, params }) => expireCheckoutSession({ deps, actor, db }, params.id, 'call'),
});
