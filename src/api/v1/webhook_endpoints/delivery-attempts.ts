import { z } from 'zod';
import { listDeliveryAttempts } from '../../../domain/webhooks/list-delivery-attempts.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zCreatedFilter, zId } from '../../../http/params.js';
import { webhookEndpointIdParams } from './schema.js';

export const deliveryAttemptSchema = z
  .object({
    id: z.string(),
    object: z.literal('webhook_endpoint_delivery_attempt'),
    webhook_endpoint: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    test_event: z.boolean(),
    attempt: z.int(),
    status: z.enum(['succeeded', 'failed']),
    /** The same as `status`, under the name Fluveo's attempt object uses. */
    result: z.enum(['succeeded', 'failed']),
    response_status: z.int().nullable(),
    failure_code: z.string().nullable(),
    failure_reason: z.string().nullable(),
    latency_ms: z.int(),
    response_excerpt: z.string().nullable(),
    next_attempt_at: z.int().nullable(),
    created: z.int(),
    livemode: z.boolean(),
  })
  .meta({ id: 'WebhookEndpointDeliveryAttempt' });

export const listDeliveryAttemptsEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/webhook_endpoints/:id/delivery_attempts'],
  // Fluveo serves delivery history and test sends in test mode only (live keys: 400 test_mode_only).
  testModeOnly: true,
  summary: "The endpoint's delivery attempts, newest first (status, latency, response excerpt, failure reason)",
  tags: ['Webhook endpoints'],
  params: webhookEndpointIdParams,
  query: z.strictObject({ ...listParams, event: zId('evt').optional(), created: zCreatedFilter().optional() }),
  response: listSchema(deliveryAttemptSchema),
  handler: async ({ deps, actor, db, params, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    const page = await listDeliveryAttempts(
      { deps, actor, db },
      params.id,
      { eventId: query.event, created: createdFilters(query.created) },
      pageRequest(query),
    );
    return listEnvelope({ ...page, data: page.data.map((a) => ({ ...a, result: a.status })) }, path);
  },
});
