import { z } from 'zod';
import { loadLinkRow } from '../../../domain/checkout-links/checkout-link.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { expandParam } from '../../../http/params.js';
import { checkoutLinkSchema, linkIdParams } from './schema.js';

export const retrieveCheckoutLinkEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/checkout_links/:id'],
  summary: 'Retrieve a checkout link',
  tags: ['Checkout Links'],
  params: linkIdParams,
  query: z.strictObject(expandParam),
  response: checkoutLinkSchema,
  handler: async ({ deps, actor, db, params, query }) => {
    await applyExpand([], query.expand, {});
    return (await loadLinkRow({ deps, actor, db }, params.id)).link;
  },
});
