import { z } from 'zod';
import { createCheckoutSession } from '../../../domain/checkout-sessions/create-checkout-session.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { createSessionFields, sessionPaths, sessionSchema } from './schema.js';

export const createSessionBody = z.strictObject(createSessionFields);
export type CreateCheckoutSessionRequest = z.input<typeof createSessionBody>;
export type CreateCheckoutSessionResponse = z.output<typeof sessionSchema>;

export const createCheckoutSessionEndpoint = defineEndpoint({
  method: 'POST',
  paths: sessionPaths(),
  summary: 'Create a Checkout Session (and its PaymentIntent)',
  tags: ['Checkout Sessions'],
  body: createSessionBody,
  response: sessionSchema,
  handler: ({ deps, actor, db, body }) => createCheckoutSession({ deps, actor, db }, body),
});
