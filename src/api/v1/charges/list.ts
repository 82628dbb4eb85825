import { z } from 'zod';
import { listCharges } from '../../../domain/charges/list-charges.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zCreatedFilter, zId } from '../../../http/params.js';
import { chargeSchema } from './schema.js';

export const listChargesQuery = z.strictObject({
  ...listParams,
  payment_intent: zId('pi').optional(),
  customer: zId('cus').optional(),
  created: zCreatedFilter().optional(),
});

export const listChargesEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/charges'],
  summary: 'List charges, newest first (filters: payment_intent, customer, created)',
  tags: ['Charges'],
  query: listChargesQuery,
  response: listSchema(chargeSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    const page = await listCharges(
      { deps, actor, db },
      { paymentIntent: query.payment_intent, customer: query.customer, created: createdFilters(query.created) },
      pageRequest(query),
    );
    return listEnvelope(page, path);
  },
});
