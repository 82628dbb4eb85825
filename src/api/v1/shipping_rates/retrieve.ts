import { loadShippingRate } from '../../../domain/shipping-rates/load-shipping-rate.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { shippingRateIdParams, shippingRateRetrieveQuery, shippingRateSchema } from './schema.js';

export const retrieveShippingRateEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/shipping_rates/:id'],
  summary: 'Retrieve a shipping rate, archived ones included',
  tags: ['Shipping Rates'],
  params: shippingRateIdParams,
  query: shippingRateRetrieveQuery,
  response: shippingRateSchema,
  handler: async ({ deps, actor, db, params, query }) => {
    // Shipping rates have no expandable fields; `expand` is accepted and any value answers 400.
    await applyExpand([], query.expand, {});
    return loadShippingRate({ deps, actor, db }, params.id);
  },
});
