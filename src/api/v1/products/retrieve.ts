import { z } from 'zod';
import { presentProduct } from '../../../domain/products/present-product.js';
import { retrieveProduct } from '../../../domain/products/retrieve-product.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import {
  deletedProductSchema,
  productExpanders,
  productIdParams,
  productRetrieveQuery,
  productSchema,
} from './schema.js';

export const retrieveProductEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/products/:id'],
  summary: 'Retrieve a product (`expand[]=default_price`; a deleted product answers with its tombstone)',
  tags: ['Products'],
  params: productIdParams,
  query: productRetrieveQuery,
  response: z.union([productSchema, deletedProductSchema]),
  handler: async ({ deps, actor, db, params, query }) => {
    const ctx = { deps, actor, db };
    const product = presentProduct(await retrieveProduct(ctx, params.id));
    await applyExpand([product], query.expand, productExpanders(ctx));
    return product;
  },
});
