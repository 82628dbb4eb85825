import { z } from 'zod';
import { listCheckoutLinks } from '../../../domain/checkout-links/list-checkout-links.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zBool, zCreatedFilter } from '../../../http/params.js';
import { checkoutLinkSchema } from './schema.js';

export const listLinksQuery = z.strictObject({ ...listParams, active: zBool().optional(), created: zCreatedFilter().optional() });

export const listCheckoutLinksEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/checkout_links'],
  summary: 'List checkout links, newest first',
  tags: ['Checkout Links'],
  query: listLinksQuery,
  response: listSchema(checkoutLinkSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    const page = await listCheckoutLinks({ deps, actor, db }, { active: query.active, created: createdFilters(query.created) }, pageRequest(query));
    return listEnvelope(page, path);
  },
});
