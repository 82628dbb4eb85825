import { z } from 'zod';
import { listCheckoutSessions } from '../../../domain/checkout-sessions/list-checkout-sessions.js';
import { zOneOf } from '../../../http/catalog-params.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zCreatedFilter, zId } from '../../../http/params.js';
import { baseOf, expandSessions, sessionPaths, sessionSchema } from './schema.js';

export const listSessionsQuery = z.strictObject({
  ...listParams,
  status: zOneOf(['open', 'complete', 'expired']).optional(),
  customer: zId('cus').optional(),
  payment_intent: zId('pi').optional(),
  created: zCreatedFilter().optional(),
});

export const listCheckoutSessionsEndpoint = defineEndpoint({
  method: 'GET',
  paths: sessionPaths(),
  summary: 'List Checkout Sessions, newest first',
  tags: ['Checkout Sessions'],
  query: listSessionsQuery,
  response: listSchema(sessionSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    const ctx = { deps, actor, db };
    await expandSessions(ctx, [], query.expand, baseOf(path), { list: true });
    const page = await listCheckoutSessions(
      ctx,
      { status: query.status, customer: query.customer, payment_intent: query.payment_intent, created: createdFilters(query.created) },
      pageRequest(query),
    );
    const data = page.data as unknown as Record<string, unknown>[];
    await expandSessions(ctx, data, query.expand, baseOf(path), { list: true });
    return listEnvelope(page, path);
  },
});
