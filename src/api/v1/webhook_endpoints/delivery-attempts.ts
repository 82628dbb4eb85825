import { z } from 'zod';
import { listDeliveryAttempts } from '../../../domain/webhooks/list-delivery-attempts.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { listEnvelope, listSchema } from '../../../http/list.js';
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

/** How many attempts the history shows, and how far back (fluveo-api.md §4.7). */
export const DELIVERY_HISTORY_LIMIT = 20;
export const DELIVERY_HISTORY_WINDOW_S = 7 * 24 * 3600;

export const listDeliveryAttemptsEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/webhook_endpoints/:id/delivery_attempts'],
  // Fluveo serves delivery history and test sends in test mode only (live keys: 400 test_mode_only).
  testModeOnly: true,
  summary:
    "The endpoint's last 20 delivery attempts of the last 7 days, newest first (status, latency, response excerpt, failure reason); takes no query parameter",
  tags: ['Webhook endpoints'],
  params: webhookEndpointIdParams,
  // The history takes no parameter: any one is 400 parameter_unknown naming it.
  query: z.strictObject({}),
  response: listSchema(deliveryAttemptSchema),
  handler: async ({ deps, actor, db, params, path }) => {
    const page = await listDeliveryAttempts(
      { deps, actor, db },
      params.id,
      { created: [{ column: 'created', op: '>=', value: actor.now - DELIVERY_HISTORY_WINDOW_S }] },
      { limit: DELIVERY_HISTORY_LIMIT, startingAfter: undefined, endingBefore: undefined },
    );
    return listEnvelope({ ...page, data: page.data.map((a) => ({ ...a, result: a.status })) }, path);
  },
});
