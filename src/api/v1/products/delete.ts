import { deleteProduct } from '../../../domain/products/delete-product.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { deletedProductSchema, productIdParams } from './schema.js';

export const deleteProductEndpoint = defineEndpoint({
  method: 'DELETE',
  paths: ['/v1/products/:id'],
  summary: 'Delete a product that no price belongs to (otherwise 400 resource_in_use: archive it instead)',
  tags: ['Products'],
  params: productIdParams,
  response: deletedProductSchema,
  handler: ({ deps, actor, db, params }) => deleteProduct({ deps, actor, db }, params.id),
});
