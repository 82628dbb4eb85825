import { presentApiKey } from '../../../domain/api-keys/present-api-key.js';
import { retrieveApiKeyRow } from '../../../domain/api-keys/retrieve-api-key.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { API_KEYS_TAGS, apiKeyIdParams, apiKeySchema } from './schema.js';

export const retrieveApiKeyEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/api_keys/:id'],
  summary: 'Retrieve an API key (prefix only)',
  tags: API_KEYS_TAGS,
  rateLimit: 'sensitive',
  params: apiKeyIdParams,
  response: apiKeySchema,
  handler: async ({ deps, actor, db, params }) => presentApiKey(await retrieveApiKeyRow({ deps, actor, db }, params.id)),
});
