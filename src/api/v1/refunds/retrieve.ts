import { z } from 'zod';
import { retrieveRefund } from '../../../domain/refunds/retrieve-refund.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { expandParam } from '../../../http/params.js';
import { refundIdParams, refundSchema } from './schema.js';

export const retrieveRefundEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/refunds/:id'],
  summary: 'Retrieve a refund',
  tags: ['Refunds'],
  params: refundIdParams,
  query: z.strictObject(expandParam),
  response: refundSchema,
  handler: async ({ deps, actor, db, params, query }) => {
    await applyExpand([], query.expand, {});
    return retrieveRefund({ deps, actor, db }, params.id);
  },
});
