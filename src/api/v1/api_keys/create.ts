import { z } from 'zod';
import { createApiKey } from '../../../domain/api-keys/create-api-key.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zText } from '../../../http/params.js';
import { API_KEYS_TAGS, apiKeySchema, zKeyType } from './schema.js';

export const createApiKeyBody = z.strictObject({ name: zText(100).optional(), type: zKeyType() });
export type CreateApiKeyRequest = z.input<typeof createApiKeyBody>;

export const createApiKeyEndpoint = defineEndpoint({
  responseShowsSecret: true,
  method: 'POST',
  paths: ['/v1/api_keys'],
  summary: 'Create an API key in the calling mode (the full key is returned only in this response)',
  tags: API_KEYS_TAGS,
  rateLimit: 'sensitive',
  body: createApiKeyBody,
  response: apiKeySchema,
  handler: ({ deps, actor, db, body }) => createApiKey({ deps, actor, db }, { name: body.name === '' ? null : body.name, type: body.type }),
});
