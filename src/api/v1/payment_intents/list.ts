import { z } from 'zod';
import { listPaymentIntents } from '../../../domain/payment-intents/list-payment-intents.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zCreatedFilter, zId } from '../../../http/params.js';
import { paymentIntentExpanders, paymentIntentSchema } from './schema.js';

export const listPaymentIntentsQuery = z.strictObject({
  ...listParams,
  customer: zId('cus').optional(),
  created: zCreatedFilter().optional(),
});

export const listPaymentIntentsEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/payment_intents'],
  summary: 'List PaymentIntents, newest first (filters: customer, created; expand: data.customer)',
  tags: ['PaymentIntents'],
  query: listPaymentIntentsQuery,
  response: listSchema(paymentIntentSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    const ctx = { deps, actor, db };
    const expanders = paymentIntentExpanders(ctx);
    await applyExpand([], query.expand, expanders, { list: true });
    // Rows are whole intents, `client_secret`, `next_action` and `last_payment_error` included, as the Fluveo list
    // reference shows them (the rule of source B that blanks them does not apply where site A speaks).
    const page = await listPaymentIntents(ctx, { customer: query.customer, created: createdFilters(query.created) }, pageRequest(query));
    await applyExpand(page.data as unknown as Record<string, unknown>[], query.expand, expanders, { list: true });
    return listEnvelope(page, path);
  },
});
