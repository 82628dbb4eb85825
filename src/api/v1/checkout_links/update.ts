import { z } from 'zod';
import { updateCheckoutLink } from '../../../domain/checkout-links/update-checkout-link.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { checkoutLinkSchema, linkIdParams, updateLinkFields } from './schema.js';

export const updateLinkBody = z.strictObject(updateLinkFields);

export const updateCheckoutLinkEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/checkout_links/:id'],
  summary: 'Update a checkout link (active, after_completion, restrictions, …)',
  tags: ['Checkout Links'],
  params: linkIdParams,
  body: updateLinkBody,
  response: checkoutLinkSchema,
  handler: ({ deps, actor, db, params, body }) => updateCheckoutLink({ deps, actor, db }, params.id, body),
});
