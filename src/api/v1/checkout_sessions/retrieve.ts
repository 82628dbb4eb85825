import { z } from 'zod';
import { loadSessionRow } from '../../../domain/checkout-sessions/session-store.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { expandParam } from '../../../http/params.js';
import { baseOf, expandSessions, sessionIdParams, sessionPaths, sessionSchema } from './schema.js';

export const retrieveSessionQuery = z.strictObject(expandParam);

export const retrieveCheckoutSessionEndpoint = defineEndpoint({
  method: 'GET',
  paths: sessionPaths('/:id'),
  summary: 'Retrieve a Checkout Session',
  tags: ['Checkout Sessions'],
  params: sessionIdParams,
  query: retrieveSessionQuery,
  response: sessionSchema,
  handler: async ({ deps, actor, db, params, query, path }) => {
    const ctx = { deps, actor, db };
    await expandSessions(ctx, [], query.expand, baseOf(path)); // a bad `expand` is a 400 whether or not the id exists
    const { session } = await loadSessionRow(ctx, params.id, { lineItems: false });
    const out = { ...session } as unknown as Record<string, unknown>;
    await expandSessions(ctx, [out], query.expand, baseOf(path));
    return out;
  },
});
