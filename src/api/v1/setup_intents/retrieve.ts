import { z } from 'zod';
import { retrieveSetupIntent } from '../../../domain/setup-intents/retrieve-setup-intent.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { expandParam } from '../../../http/params.js';
import { setupIntentIdParams, setupIntentSchema } from './schema.js';

export const retrieveSetupIntentEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/setup_intents/:id'],
  summary: 'Retrieve a SetupIntent',
  tags: ['SetupIntents'],
  params: setupIntentIdParams,
  query: z.strictObject(expandParam),
  response: setupIntentSchema,
  handler: async ({ deps, actor, db, params, query }) => {
    await applyExpand([], query.expand, {});
    return retrieveSetupIntent({ deps, actor, db }, params.id);
  },
});
