import { z } from 'zod';
import { createRefund } from '../../../domain/refunds/create-refund.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zId } from '../../../http/params.js';
import { refundFields, refundSchema } from './schema.js';

export const createRefundBody = z.strictObject({
  ...refundFields,
  payment_intent: zId('pi').optional(),
  charge: zId('ch').optional(),
});
export type CreateRefundRequest = z.input<typeof createRefundBody>;

export const createRefundEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/refunds'],
  summary: 'Refund a payment (the remaining captured amount unless amount is given)',
  tags: ['Refunds'],
  body: createRefundBody,
  response: refundSchema,
  handler: ({ deps, actor, db, body }) => createRefund({ deps, actor, db }, body),
});
