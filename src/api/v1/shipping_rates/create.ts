import { z } from 'zod';
import { createShippingRate } from '../../../domain/shipping-rates/create-shipping-rate.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { createShippingRateFields, shippingRateSchema } from './schema.js';

export const createShippingRateBody = z.strictObject(createShippingRateFields);
export type CreateShippingRateRequest = z.input<typeof createShippingRateBody>;
export type CreateShippingRateResponse = z.output<typeof shippingRateSchema>;

export const createShippingRateEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/shipping_rates'],
  summary: 'Create a shipping rate (type fixed_amount)',
  tags: ['Shipping Rates'],
  body: createShippingRateBody,
  response: shippingRateSchema,
  handler: ({ deps, actor, db, body }) => createShippingRate({ deps, actor, db }, body),
});
