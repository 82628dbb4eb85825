import { z } from 'zod';
import { listApiKeys } from '../../../domain/api-keys/list-api-keys.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams } from '../../../http/params.js';
import { API_KEYS_TAGS, apiKeySchema, zKeyType } from './schema.js';

export const listApiKeysEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/api_keys'],
  summary: 'List API keys of the calling mode, newest first (prefix only)',
  tags: API_KEYS_TAGS,
  rateLimit: 'sensitive',
  query: z.strictObject({ ...listParams, type: zKeyType().optional() }),
  response: listSchema(apiKeySchema),
  handler: async ({ deps, actor, db, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    return listEnvelope(await listApiKeys({ deps, actor, db }, { type: query.type }, pageRequest(query)), path);
  },
});
