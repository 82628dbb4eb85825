import { z } from 'zod';
import { retrieveCharge } from '../../../domain/charges/retrieve-charge.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { expandParam, zText } from '../../../http/params.js';
import { chargeSchema } from './schema.js';

export const retrieveChargeEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/charges/:id'],
  summary: 'Retrieve a charge',
  tags: ['Charges'],
  params: z.strictObject({ id: zText(255) }),
  query: z.strictObject(expandParam),
  response: chargeSchema,
  handler: async ({ deps, actor, db, params, query }) => {
    await applyExpand([], query.expand, {});
    return retrieveCharge({ deps, actor, db }, params.id);
  },
});
