import { z } from 'zod';
import { MAX_ROLL_GRACE_HOURS, rollApiKey } from '../../../domain/api-keys/roll-api-key.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zInt } from '../../../http/params.js';
import { API_KEYS_TAGS, apiKeyIdParams, apiKeySchema } from './schema.js';

export const rollApiKeyEndpoint = defineEndpoint({
  responseShowsSecret: true,
  method: 'POST',
  paths: ['/v1/api_keys/:id/roll'],
  summary: 'Replace an API key with a new one (returned once); the old one stops at once or after expires_in_hours (≤ 24)',
  tags: API_KEYS_TAGS,
  rateLimit: 'sensitive',
  params: apiKeyIdParams,
  body: z.strictObject({ expires_in_hours: zInt(0, MAX_ROLL_GRACE_HOURS).optional() }),
  response: apiKeySchema,
  handler: async ({ deps, runtime, actor, db, params, body }) => {
    const key = await rollApiKey({ deps, actor, db }, params.id, body.expires_in_hours);
    runtime.keys.invalidate();
    return key;
  },
});
