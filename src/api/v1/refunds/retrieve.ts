import { retrieveRefund } from '../../../domain/refunds/retrieve-refund.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { refundIdParams, refundSchema } from './schema.js';

export const retrieveRefundEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/refunds/:id'],
  summary: 'Retrieve a refund',
  tags: ['Refunds'],
  params: refundIdParams,
  response: refundSchema,
  handler: ({ deps, actor, db, params }) => retrieveRefund({ deps, actor, db }, params.id),
});
