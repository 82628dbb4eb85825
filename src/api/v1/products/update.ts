import { z } from 'zod';
import { updateProduct } from '../../../domain/products/update-product.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { productIdParams, productSchema, updateProductFields } from './schema.js';

export const updateProductBody = z.strictObject(updateProductFields);
export type UpdateProductRequest = z.input<typeof updateProductBody>;

export const updateProductEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/products/:id'],
  summary:
    'Update a product (metadata merges; null or "" unsets a field; `default_price` must be one of its active prices)',
  tags: ['Products'],
  params: productIdParams,
  body: updateProductBody,
  response: productSchema,
  handler: ({ deps, actor, db, params, body }) => updateProduct({ deps, actor, db }, params.id, body),
});
