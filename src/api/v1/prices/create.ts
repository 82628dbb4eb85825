import { z } from 'zod';
import { createPrice } from '../../../domain/prices/create-price.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zBool, zId } from '../../../http/params.js';
import { priceProductDataInput, priceSchema, priceTermsFields } from './schema.js';

export const createPriceBody = z.strictObject({
  ...priceTermsFields,
  product: zId('prod').optional(),
  product_data: priceProductDataInput.optional(),
  transfer_lookup_key: zBool().optional(),
});
export type CreatePriceRequest = z.input<typeof createPriceBody>;
export type CreatePriceResponse = z.output<typeof priceSchema>;

export const createPriceEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/prices'],
  summary: 'Create a price for a product (`product`) or a new one (`product_data`)',
  tags: ['Prices'],
  body: createPriceBody,
  response: priceSchema,
  handler: ({ deps, actor, db, body }) => createPrice({ deps, actor, db }, body),
});
