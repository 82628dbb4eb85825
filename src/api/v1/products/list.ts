import { z } from 'zod';
import { listProducts } from '../../../domain/products/list-products.js';
import { zUrl } from '../../../http/catalog-params.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zBool, zCreatedFilter, zId } from '../../../http/params.js';
import { productExpanders, productSchema } from './schema.js';

export const listProductsQuery = z.strictObject({
  ...listParams,
  active: zBool().optional(),
  shippable: zBool().optional(),
  url: zUrl().optional(),
  ids: z
    .union([zId(), z.array(zId()).max(100, { error: 'can list at most 100 ids' })])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional(),
  created: zCreatedFilter().optional(),
});

export const listProductsEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/products'],
  summary: 'List products, newest first (filters: active, shippable, url, ids[], created; expand[]=data.default_price)',
  tags: ['Products'],
  query: listProductsQuery,
  response: listSchema(productSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    const ctx = { deps, actor, db };
    const expanders = productExpanders(ctx);
    await applyExpand([], query.expand, expanders, { list: true });
    const page = await listProducts(
      ctx,
      {
        active: query.active,
        shippable: query.shippable,
        url: query.url,
        ids: query.ids,
        created: createdFilters(query.created),
      },
      pageRequest(query),
    );
    const envelope = listEnvelope(page, path);
    await applyExpand(envelope.data as unknown as Record<string, unknown>[], query.expand, expanders, { list: true });
    return envelope;
  },
});
