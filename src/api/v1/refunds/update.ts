import { z } from 'zod';
import { updateRefund } from '../../../domain/refunds/update-refund.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zMetadata } from '../../../http/params.js';
import { refundIdParams, refundSchema } from './schema.js';

export const updateRefundBody = z.strictObject({ metadata: zMetadata().optional() });

export const updateRefundEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/refunds/:id'],
  summary: 'Update a refund (metadata only)',
  tags: ['Refunds'],
  params: refundIdParams,
  body: updateRefundBody,
  response: refundSchema,
  handler: ({ deps, actor, db, params, body }) => updateRefund({ deps, actor, db }, params.id, body),
});
