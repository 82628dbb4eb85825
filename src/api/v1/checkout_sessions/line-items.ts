import { z } from 'zod';
import { pageLineItems } from '../../../domain/checkout-sessions/list-line-items.js';
import { presentLineItem } from '../../../domain/checkout-sessions/session.js';
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
  summary: "List a Checkout Session's line items, in the order given (expand: data.price)",
  tags: ['Checkout Sessions'],
  params: sessionIdParams,
  query: listLineItemsQuery,
  response: listSchema(lineItemSchema),
  handler: async ({ deps, actor, db, params, query, path }) => {
    const { lineItems } = await loadSessionRow({ deps, actor, db }, params.id);
    const page = pageLineItems(lineItems, pageRequest(query));
    // Each item keeps the price it was sold at: `data.price` expands to that snapshot, not to the price as it is now.
    const prices = new Map(page.data.map((li) => [li.price.id, li.price]));
    const data = page.data.map(presentLineItem);
    await applyExpand(data, query.expand, { price: (id) => Promise.resolve(prices.get(id)) }, { list: true });
    return listEnvelope({ ...page, data }, path);
  },
});
