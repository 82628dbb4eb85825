import { z } from 'zod';
import { pageLineItems } from '../../../domain/checkout-sessions/list-line-items.js';
import { loadSessionRow } from '../../../domain/checkout-sessions/session-store.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams } from '../../../http/params.js';
import { lineItemSchema, sessionIdParams, sessionPaths } from './schema.js';

export const listLineItemsQuery = z.strictObject(listParams);

export const listSessionLineItemsEndpoint = defineEndpoint({
  method: 'GET',
  paths: sessionPaths('/:id/line_items'),
  summary: "List a Checkout Session's line items, in the order given",
  tags: ['Checkout Sessions'],
  params: sessionIdParams,
  query: listLineItemsQuery,
  response: listSchema(lineItemSchema),
  handler: async ({ deps, actor, db, params, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    const { lineItems } = await loadSessionRow({ deps, actor, db }, params.id);
    return listEnvelope(pageLineItems(lineItems, pageRequest(query)), path);
  },
});
