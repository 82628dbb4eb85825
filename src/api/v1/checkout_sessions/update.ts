import { z } from 'zod';
import { updateCheckoutSession } from '../../../domain/checkout-sessions/update-checkout-session.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { sessionIdParams, sessionPaths, sessionSchema, updateSessionFields } from './schema.js';

export const updateSessionBody = z.strictObject(updateSessionFields);
export type UpdateCheckoutSessionRequest = z.input<typeof updateSessionBody>;

export const updateCheckoutSessionEndpoint = defineEndpoint({
  method: 'POST',
  paths: sessionPaths('/:id'),
  summary: 'Update an open Checkout Session (metadata, customer_email, shipping_details, shipping_options)',
  tags: ['Checkout Sessions'],
  params: sessionIdParams,
  body: updateSessionBody,
  response: sessionSchema,
  handler: ({ deps, actor, db, params, body }) => updateCheckoutSession({ deps, actor, db }, params.id, body),
});
