import { z } from 'zod';
import { updateShippingRate } from '../../../domain/shipping-rates/update-shipping-rate.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { shippingRateIdParams, shippingRateSchema, updateShippingRateFields } from './schema.js';

export const updateShippingRateBody = z.strictObject(updateShippingRateFields);
export type UpdateShippingRateRequest = z.input<typeof updateShippingRateBody>;

export const updateShippingRateEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/shipping_rates/:id'],
  summary: 'Update a shipping rate (active, metadata, tax_behavior while unspecified)',
  tags: ['Shipping Rates'],
  params: shippingRateIdParams,
  body: updateShippingRateBody,
  response: shippingRateSchema,
  handler: ({ deps, actor, db, params, body }) => updateShippingRate({ deps, actor, db }, params.id, body),
});
