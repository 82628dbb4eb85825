import { z } from 'zod';
import { listSetupIntents } from '../../../domain/setup-intents/list-setup-intents.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zCreatedFilter, zId } from '../../../http/params.js';
import { setupIntentSchema } from './schema.js';

export const listSetupIntentsQuery = z.strictObject({
  ...listParams,
  customer: zId('cus').optional(),
  created: zCreatedFilter().optional(),
});

export const listSetupIntentsEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/setup_intents'],
  summary: 'List SetupIntents, newest first (filters: customer, created)',
  tags: ['SetupIntents'],
  query: listSetupIntentsQuery,
  response: listSchema(setupIntentSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    const page = await listSetupIntents({ deps, actor, db }, { customer: query.customer, created: createdFilters(query.created) }, pageRequest(query));
    return listEnvelope(page, path);
  },
});
