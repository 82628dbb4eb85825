import { z } from 'zod';
import { updateOrder } from '../../../domain/orders/update-order.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zMetadata } from '../../../http/params.js';
import { orderIdParams, orderSchema } from './schema.js';

export const updateOrderEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/orders/:id'],
  summary: "Update an order's metadata",
  tags: ['Orders'],
  params: orderIdParams,
  body: z.strictObject({ metadata: zMetadata().optional() }),
  response: orderSchema,
  handler: ({ deps, actor, db, params, body }) => updateOrder({ deps, actor, db }, params.id, body),
});
