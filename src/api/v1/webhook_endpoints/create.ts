import { z } from 'zod';
import { createWebhookEndpoint } from '../../../domain/webhooks/create-webhook-endpoint.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zMetadata } from '../../../http/params.js';
import { endpointWritableFields, webhookEndpointSchema, zApiVersion } from './schema.js';

export const createWebhookEndpointBody = z.strictObject({
  ...endpointWritableFields,
  metadata: zMetadata().optional(),
  api_version: zApiVersion().optional(),
});
export type CreateWebhookEndpointRequest = z.input<typeof createWebhookEndpointBody>;
export type CreateWebhookEndpointResponse = z.output<typeof webhookEndpointSchema>;

export const createWebhookEndpointEndpoint = defineEndpoint({
  responseShowsSecret: true,
  method: 'POST',
  paths: ['/v1/webhook_endpoints'],
  summary: 'Create a webhook endpoint (the whsec_ signing secret is shown in full only in this response)',
  tags: ['Webhook endpoints'],
  body: createWebhookEndpointBody,
  response: webhookEndpointSchema,
  handler: ({ deps, actor, db, body }) =>
    createWebhookEndpoint({ deps, actor, db }, { ...body, description: body.description === '' ? null : body.description }),
});
