import { z } from 'zod';
import { MAX_ROTATION_OVERLAP_HOURS } from '../../../domain/webhooks/endpoint.js';
import { rotateWebhookSecret } from '../../../domain/webhooks/rotate-webhook-secret.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zInt } from '../../../http/params.js';
import { webhookEndpointIdParams, webhookEndpointSchema } from './schema.js';

export const rotateWebhookSecretEndpoint = defineEndpoint({
  responseShowsSecret: true,
  method: 'POST',
  paths: ['/v1/webhook_endpoints/:id/rotate_secret'],
  summary: 'Replace the signing secret (shown once); the old one may keep signing for up to 24 h (expires_in_hours)',
  tags: ['Webhook endpoints'],
  params: webhookEndpointIdParams,
  body: z.strictObject({ expires_in_hours: zInt(0, MAX_ROTATION_OVERLAP_HOURS).optional() }),
  response: webhookEndpointSchema.extend({ previous_secret_expires_at: z.int().nullable() }).meta({ id: 'RotatedWebhookEndpoint' }),
  handler: ({ deps, actor, db, params, body }) => rotateWebhookSecret({ deps, actor, db }, params.id, body.expires_in_hours),
});
