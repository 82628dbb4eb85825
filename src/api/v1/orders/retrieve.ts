import { z } from 'zod';
import { loadOrder } from '../../../domain/orders/order.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { expandParam } from '../../../http/params.js';
import { orderIdParams, orderSchema } from './schema.js';

export const retrieveOrderEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/orders/:id'],
  summary: 'Retrieve an order with its line items',
  tags: ['Orders'],
  params: orderIdParams,
  query: z.strictObject(expandParam),
  response: orderSchema,
  handler: async ({ deps, actor, db, params, query }) => {
    await applyExpand([], query.expand, {});
    return loadOrder({ deps, actor, db }, params.id);
  },
});
