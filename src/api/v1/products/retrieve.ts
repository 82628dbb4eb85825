import { presentProduct } from '../../../domain/products/present-product.js';
import { loadProduct } from '../../../domain/products/load-product.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { productExpanders, productIdParams, productRetrieveQuery, productSchema } from './schema.js';

export const retrieveProductEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/products/:id'],
  summary: 'Retrieve a product (`expand[]=default_price`; a deleted product is 404, as one that never existed)',
  tags: ['Products'],
  params: productIdParams,
  query: productRetrieveQuery,
  response: productSchema,
  handler: async ({ deps, actor, db, params, query }) => {
    const ctx = { deps, actor, db };
    const product = presentProduct(await loadProduct(ctx, params.id));
    await applyExpand([product], query.expand, productExpanders(ctx));
    return product;
  },
});
