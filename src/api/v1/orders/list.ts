import { z } from 'zod';
import { listOrders } from '../../../domain/orders/list-orders.js';
import { zOneOf } from '../../../http/catalog-params.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zCreatedFilter, zId } from '../../../http/params.js';
import { orderSchema } from './schema.js';

export const listOrdersQuery = z.strictObject({
  ...listParams,
  status: zOneOf(['open', 'completed', 'canceled']).optional(),
  customer: zId('cus').optional(),
  created: zCreatedFilter().optional(),
});

export const listOrdersEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/orders'],
  summary: 'List orders, newest first',
  tags: ['Orders'],
  query: listOrdersQuery,
  response: listSchema(orderSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    const page = await listOrders({ deps, actor, db }, { status: query.status, customer: query.customer, created: createdFilters(query.created) }, pageRequest(query));
    return listEnvelope(page, path);
  },
});
