import { z } from 'zod';
import { presentApiKey } from '../../../domain/api-keys/present-api-key.js';
import { retrieveApiKeyRow } from '../../../domain/api-keys/retrieve-api-key.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { expandParam } from '../../../http/params.js';
import { API_KEYS_TAGS, apiKeyIdParams, apiKeySchema } from './schema.js';

export const retrieveApiKeyEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/api_keys/:id'],
  summary: 'Retrieve an API key (prefix only)',
  tags: API_KEYS_TAGS,
  rateLimit: 'sensitive',
  params: apiKeyIdParams,
  query: z.strictObject(expandParam),
  response: apiKeySchema,
  handler: async ({ deps, actor, db, params, query }) => {
    await applyExpand([], query.expand, {});
    return presentApiKey(await retrieveApiKeyRow({ deps, actor, db }, params.id));
  },
});
