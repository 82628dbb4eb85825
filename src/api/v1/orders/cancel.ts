import { cancelOrder } from '../../../domain/orders/cancel-order.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { orderIdParams, orderSchema } from './schema.js';

export const cancelOrderEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/orders/:id/cancel'],
  summary: 'Cancel an open order (its reservations are released)',
  tags: ['Orders'],
  params: orderIdParams,
  response: orderSchema,
  handler: ({ deps, actor, db, params }) => cancelOrder({ deps, actor, db }, params.id),
});
