import { modeValue } from '../../db/objects.js';
import { newId } from '../../lib/ids.js';
import type { OpContext } from '../context.js';
import type { EventObject } from '../events/record-event.js';
import type { WebhookEndpoint } from './endpoint.js';
import { retrieveWebhookEndpoint } from './retrieve-webhook-endpoint.js';
import { sampleObject } from './sample-objects.js';

export const DELIVERIES_TABLE = 'webhook_deliveries';

export interface TestDelivery {
  id: string;
  object: 'webhook_endpoint_test_delivery';
  webhook_endpoint: string;
  event: EventObject & { fluveo_test_event: true };
  status: 'pending';
  created: number;
}

/**
 * Queues a synthetic, signed event of `type` for this endpoint alone: id `evt_test_…`, marked
 * `fluveo_test_event: true`, never listed in /v1/events, never retried, sent even to a disabled endpoint. The
 * worker sends it within moments; its outcome appears in the endpoint's delivery attempts.
 */
export async function sendTestEvent(ctx: OpContext, endpointId: string, type: string): Promise<TestDelivery> {
  const endpoint: WebhookEndpoint = await retrieveWebhookEndpoint(ctx, endpointId);
  const { actor } = ctx;
  const event = {
    id: newId('evt_test'),
    object: 'event' as const,
    type,
    api_version: endpoint.api_version ?? actor.merchant.default_api_version,
    created: actor.now,
    livemode: actor.scope.livemode,
    merchant_id: actor.merchant.id,
    pending_webhooks: 1,
    data: { object: sampleObject(type, actor.now, actor.scope.livemode) },
    fluveo_test_event: true as const,
  };
  const id = newId('whd');
  await ctx.db
    .insertInto(DELIVERIES_TABLE)
    .values({
      merchant_id: actor.scope.merchantId,
      livemode: modeValue(actor.scope),
      id,
      endpoint_id: endpoint.id,
      event_id: event.id,
      event_type: type,
      status: 'pending',
      attempts: 0,
      max_attempts: 1,
      next_attempt_at: actor.now,
      locked_by: null,
      locked_until: null,
      last_attempt_at: null,
      test_event: 1,
      payload: JSON.stringify(event),
      created: actor.now,
    })
    .execute();
  return { id, object: 'webhook_endpoint_test_delivery', webhook_endpoint: endpoint.id, event, status: 'pending', created: actor.now };
}
