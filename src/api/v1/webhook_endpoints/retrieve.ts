import { z } from 'zod';
import { retrieveWebhookEndpoint } from '../../../domain/webhooks/retrieve-webhook-endpoint.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { expandParam } from '../../../http/params.js';
import { webhookEndpointIdParams, webhookEndpointSchema } from './schema.js';

export const retrieveWebhookEndpointEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/webhook_endpoints/:id'],
  summary: 'Retrieve a webhook endpoint (secret masked)',
  tags: ['Webhook endpoints'],
  params: webhookEndpointIdParams,
  query: z.strictObject(expandParam),
  response: webhookEndpointSchema,
  handler: async ({ deps, actor, db, params, query }) => {
    await applyExpand([], query.expand, {});
    return retrieveWebhookEndpoint({ deps, actor, db }, params.id);
  },
});
