import { z } from 'zod';
import { isKnownEventType } from '../../../domain/events/event-types.js';
import { sendTestEvent } from '../../../domain/webhooks/send-test-event.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zText } from '../../../http/params.js';
import { eventSchema } from '../events/schema.js';
import { webhookEndpointIdParams } from './schema.js';

export const testDeliverySchema = z
  .object({
    id: z.string(),
    object: z.literal('webhook_endpoint_test_delivery'),
    webhook_endpoint: z.string(),
    event: eventSchema.extend({ fluveo_test_event: z.literal(true) }),
    status: z.literal('pending'),
    created: z.int(),
  })
  .meta({ id: 'WebhookEndpointTestDelivery' });

export const sendTestEventEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/webhook_endpoints/:id/send_test_event'],
  // Test mode only, as in Fluveo: a live receiver never gets a synthetic event (live keys: 400 test_mode_only).
  testModeOnly: true,
  summary: 'Send a signed synthetic event of a chosen type to this endpoint (not retried; see delivery_attempts)',
  tags: ['Webhook endpoints'],
  params: webhookEndpointIdParams,
  body: z.strictObject({
    type: zText(100, { min: 1 }).refine(isKnownEventType, { error: 'is not a known event type' }),
  }),
  response: testDeliverySchema,
  handler: ({ deps, actor, db, params, body }) => sendTestEvent({ deps, actor, db }, params.id, body.type),
});
