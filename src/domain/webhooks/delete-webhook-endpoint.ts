import { modeValue } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { WEBHOOK_ENDPOINTS_TABLE } from './endpoint.js';
import { forgetSubscriptions } from './endpoint.js';
import { settlePendingWebhooks } from './pending-webhooks.js';
import { retrieveWebhookEndpoint } from './retrieve-webhook-endpoint.js';

/**
 * Deletes an endpoint with its queue and attempt log. Events still owed to it stop counting it in
 * `pending_webhooks`. A delivery in flight at this moment may still arrive once.
 */
export async function deleteWebhookEndpoint(ctx: OpContext, id: string): Promise<{ id: string; object: 'webhook_endpoint'; deleted: true }> {
  const { scope } = ctx.actor;
  const endpoint = await retrieveWebhookEndpoint(ctx, id, { forUpdate: true });
  const pending = (await ctx.db
    .selectFrom('webhook_deliveries')
    .select('event_id')
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', modeValue(scope))
    .where('endpoint_id', '=', id)
    .where('status', '=', 'pending')
    .where('test_event', '=', 0)
    .execute()) as { event_id: string }[];
  const settled = new Map<string, number>();
  for (const { event_id } of pending) settled.set(event_id, (settled.get(event_id) ?? 0) + 1);
  await settlePendingWebhooks(ctx.db, ctx.deps.store.engine, scope, settled);
  for (const table of ['webhook_attempts', 'webhook_deliveries']) {
    await ctx.db
      .deleteFrom(table)
      .where('merchant_id', '=', scope.merchantId)
      .where('livemode', '=', modeValue(scope))
      .where('endpoint_id', '=', id)
      .execute();
  }
  forgetSubscriptions(ctx.actor.scope);
  await ctx.db
    .deleteFrom(WEBHOOK_ENDPOINTS_TABLE)
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', modeValue(scope))
    .where('id', '=', id)
    .execute();
  await recordEvent(ctx, 'webhook_endpoint.deleted', endpoint);
  return { id, object: 'webhook_endpoint', deleted: true };
}
