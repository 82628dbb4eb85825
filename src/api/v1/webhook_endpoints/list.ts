import { z } from 'zod';
import { listWebhookEndpoints } from '../../../domain/webhooks/list-webhook-endpoints.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zCreatedFilter } from '../../../http/params.js';
import { webhookEndpointSchema } from './schema.js';

export const listWebhookEndpointsEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/webhook_endpoints'],
  summary: 'List webhook endpoints, newest first (secrets masked)',
  tags: ['Webhook endpoints'],
  query: z.strictObject({ ...listParams, created: zCreatedFilter().optional() }),
  response: listSchema(webhookEndpointSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    const page = await listWebhookEndpoints({ deps, actor, db }, { created: createdFilters(query.created) }, pageRequest(query));
    return listEnvelope(page, path);
  },
});
