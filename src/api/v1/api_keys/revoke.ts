import { revokeApiKey } from '../../../domain/api-keys/revoke-api-key.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { API_KEYS_TAGS, apiKeyIdParams, apiKeySchema } from './schema.js';

export const revokeApiKeyEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/api_keys/:id/revoke'],
  summary: 'Revoke an API key at once (permanent)',
  tags: API_KEYS_TAGS,
  rateLimit: 'sensitive',
  params: apiKeyIdParams,
  response: apiKeySchema,
  handler: async ({ deps, runtime, actor, db, params }) => {
    const key = await revokeApiKey({ deps, actor, db }, params.id);
    runtime.keys.invalidate();
    return key;
  },
});
