import { z } from 'zod';
import { loadLinkRow } from '../../../domain/checkout-links/checkout-link.js';
import { linkLineItems } from '../../../domain/checkout-links/link-line-items.js';
import { pageLineItems } from '../../../domain/checkout-sessions/list-line-items.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams } from '../../../http/params.js';
import { lineItemFields } from '../checkout_sessions/schema.js';
import { linkIdParams } from './schema.js';

export const linkLineItemSchema = z
  .object({ ...lineItemFields, price: z.string(), product: z.string() })
  .meta({ id: 'CheckoutLinkLineItem' });

export const listLinkLineItemsEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/checkout_links/:id/line_items'],
  summary: "List a checkout link's line items, in the order given (what each visit sells)",
  tags: ['Checkout Links'],
  params: linkIdParams,
  query: z.strictObject(listParams),
  response: listSchema(linkLineItemSchema),
  handler: async ({ deps, actor, db, params, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    const ctx = { deps, actor, db };
    const items = await linkLineItems(ctx, await loadLinkRow(ctx, params.id));
    return listEnvelope(pageLineItems(items, pageRequest(query), 'checkout link'), path);
  },
});
