import { deleteWebhookEndpoint } from '../../../domain/webhooks/delete-webhook-endpoint.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { deletedWebhookEndpointSchema, webhookEndpointIdParams } from './schema.js';

export const deleteWebhookEndpointEndpoint = defineEndpoint({
  method: 'DELETE',
  paths: ['/v1/webhook_endpoints/:id'],
  summary: 'Delete a webhook endpoint (its queued deliveries are dropped)',
  tags: ['Webhook endpoints'],
  params: webhookEndpointIdParams,
  response: deletedWebhookEndpointSchema,
  handler: ({ deps, actor, db, params }) => deleteWebhookEndpoint({ deps, actor, db }, params.id),
});
