import { z } from 'zod';
import { listRefunds } from '../../../domain/refunds/list-refunds.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zCreatedFilter, zId } from '../../../http/params.js';
import { refundSchema } from './schema.js';

export const listRefundsQuery = z.strictObject({
  ...listParams,
  payment_intent: zId('pi').optional(),
  charge: zId('ch').optional(),
  created: zCreatedFilter().optional(),
});

export const listRefundsEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/refunds'],
  summary: 'List refunds, newest first (filters: payment_intent, charge, created)',
  tags: ['Refunds'],
  query: listRefundsQuery,
  response: listSchema(refundSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    const page = await listRefunds(
      { deps, actor, db },
      { paymentIntent: query.payment_intent, charge: query.charge, created: createdFilters(query.created) },
      pageRequest(query),
    );
    return listEnvelope(page, path);
  },
});
