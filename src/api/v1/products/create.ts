import { z } from 'zod';
import { createProduct } from '../../../domain/products/create-product.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { createProductFields, productSchema } from './schema.js';

export const createProductBody = z.strictObject(createProductFields);
export type CreateProductRequest = z.input<typeof createProductBody>;
export type CreateProductResponse = z.output<typeof productSchema>;

export const createProductEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/products'],
  summary: 'Create a product (with `default_price_data`, its default price in the same request)',
  tags: ['Products'],
  body: createProductBody,
  response: productSchema,
  handler: ({ deps, actor, db, body }) => createProduct({ deps, actor, db }, body),
});
