import { z } from 'zod';
import { listPrices } from '../../../domain/prices/list-prices.js';
import { zCurrency, zOneOf } from '../../../http/catalog-params.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zBool, zCreatedFilter, zId, zText } from '../../../http/params.js';
import { priceExpanders, priceSchema } from './schema.js';

const zLookupKey = zText(200, { min: 1 });

export const listPricesQuery = z.strictObject({
  ...listParams,
  active: zBool().optional(),
  product: zId('prod').optional(),
  type: zOneOf(['one_time', 'recurring']).optional(),
  currency: zCurrency().optional(),
  lookup_keys: z
    .union([zLookupKey, z.array(zLookupKey).max(10, { error: 'can list at most 10 lookup keys' })])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional(),
  created: zCreatedFilter().optional(),
});

export const listPricesEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/prices'],
  summary:
    'List prices, newest first (filters: active, product, type, currency, lookup_keys[], created; expand[]=data.product)',
  tags: ['Prices'],
  query: listPricesQuery,
  response: listSchema(priceSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    const ctx = { deps, actor, db };
    const expanders = priceExpanders(ctx);
    await applyExpand([], query.expand, expanders, { list: true });
    const page = await listPrices(
      ctx,
      {
        active: query.active,
        product: query.product,
        type: query.type,
        currency: query.currency,
        lookupKeys: query.lookup_keys,
        created: createdFilters(query.created),
      },
      pageRequest(query),
    );
    const envelope = listEnvelope(page, path);
    await applyExpand(envelope.data as unknown as Record<string, unknown>[], query.expand, expanders, { list: true });
    return envelope;
  },
});
