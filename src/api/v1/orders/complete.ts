import { completeOrder } from '../../../domain/orders/complete-order.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { orderIdParams, orderSchema } from './schema.js';

export const completeOrderEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/orders/:id/complete'],
  summary: 'Complete an open order and mark it paid',
  tags: ['Orders'],
  params: orderIdParams,
  response: orderSchema,
  handler: ({ deps, actor, db, params }) => completeOrder({ deps, actor, db }, params.id),
});
