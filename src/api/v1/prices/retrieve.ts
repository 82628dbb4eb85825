import { loadPrice } from '../../../domain/prices/load-price.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { priceExpanders, priceIdParams, priceRetrieveQuery, priceSchema } from './schema.js';

export const retrievePriceEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/prices/:id'],
  summary: 'Retrieve a price, archived ones included (`expand[]=product`)',
  tags: ['Prices'],
  params: priceIdParams,
  query: priceRetrieveQuery,
  response: priceSchema,
  handler: async ({ deps, actor, db, params, query }) => {
    const ctx = { deps, actor, db };
    const price = { ...(await loadPrice(ctx, params.id)) } as unknown as Record<string, unknown>;
    await applyExpand([price], query.expand, priceExpanders(ctx));
    return price;
  },
});
