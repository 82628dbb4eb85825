import { z } from 'zod';
import { createCheckoutLink } from '../../../domain/checkout-links/create-checkout-link.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { checkoutLinkSchema, createLinkFields } from './schema.js';

export const createLinkBody = z.strictObject(createLinkFields);
export type CreateCheckoutLinkRequest = z.input<typeof createLinkBody>;

export const createCheckoutLinkEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/checkout_links'],
  summary: 'Create a checkout link (a reusable URL that mints a Checkout Session per visit)',
  tags: ['Checkout Links'],
  body: createLinkBody,
  response: checkoutLinkSchema,
  handler: ({ deps, actor, db, body }) => createCheckoutLink({ deps, actor, db }, body),
});
