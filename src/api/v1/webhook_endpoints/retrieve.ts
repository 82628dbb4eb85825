import { retrieveWebhookEndpoint } from '../../../domain/webhooks/retrieve-webhook-endpoint.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { webhookEndpointIdParams, webhookEndpointSchema } from './schema.js';

export const retrieveWebhookEndpointEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/webhook_endpoints/:id'],
  summary: 'Retrieve a webhook endpoint (secret masked)',
  tags: ['Webhook endpoints'],
  params: webhookEndpointIdParams,
  response: webhookEndpointSchema,
  handler: ({ deps, actor, db, params }) => retrieveWebhookEndpoint({ deps, actor, db }, params.id),
});
