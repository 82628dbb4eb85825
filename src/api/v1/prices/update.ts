import { z } from 'zod';
import { updatePrice } from '../../../domain/prices/update-price.js';
import { zTaxBehavior } from '../../../http/catalog-params.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zBool, zMetadata, zText } from '../../../http/params.js';
import { priceIdParams, priceSchema } from './schema.js';

export const updatePriceBody = z.strictObject({
  active: zBool().optional(),
  metadata: zMetadata().optional(),
  nickname: z.union([zText(5000), z.null()]).optional(),
  lookup_key: z.union([zText(200), z.null()]).optional(),
  transfer_lookup_key: zBool().optional(),
  tax_behavior: zTaxBehavior().optional(),
});
export type UpdatePriceRequest = z.input<typeof updatePriceBody>;

export const updatePriceEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/prices/:id'],
  summary: 'Update a price (active, metadata, nickname, lookup_key, tax_behavior while unspecified); amounts are fixed',
  tags: ['Prices'],
  params: priceIdParams,
  body: updatePriceBody,
  response: priceSchema,
  handler: ({ deps, actor, db, params, body }) => updatePrice({ deps, actor, db }, params.id, body),
});
