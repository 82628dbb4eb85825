import { z } from 'zod';
import { listShippingRates } from '../../../domain/shipping-rates/list-shipping-rates.js';
import { zCurrency } from '../../../http/catalog-params.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zBool, zCreatedFilter } from '../../../http/params.js';
import { shippingRateSchema } from './schema.js';

export const listShippingRatesQuery = z.strictObject({
  ...listParams,
  active: zBool().optional(),
  currency: zCurrency().optional(),
  created: zCreatedFilter().optional(),
});

export const listShippingRatesEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/shipping_rates'],
  summary: 'List shipping rates, newest first (filters: active, currency, created)',
  tags: ['Shipping Rates'],
  query: listShippingRatesQuery,
  response: listSchema(shippingRateSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    const page = await listShippingRates(
      { deps, actor, db },
      { active: query.active, currency: query.currency, created: createdFilters(query.created) },
      pageRequest(query),
    );
    return listEnvelope(page, path);
  },
});
