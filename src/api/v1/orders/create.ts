import { z } from 'zod';
import { createOrder } from '../../../domain/orders/create-order.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { createOrderFields, orderSchema } from './schema.js';

export const createOrderBody = z.strictObject(createOrderFields);
export type CreateOrderRequest = z.input<typeof createOrderBody>;

export const createOrderEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/orders'],
  summary: 'Create an order (its items are reserved)',
  tags: ['Orders'],
  body: createOrderBody,
  response: orderSchema,
  handler: ({ deps, actor, db, body }) => createOrder({ deps, actor, db }, body),
});
