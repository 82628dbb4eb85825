import { modeValue, type Scope } from '../../db/objects.js';
import type { Db } from '../../db/store.js';

/**
 * Keeps an event's `pending_webhooks` (column and JSON body) equal to the number of endpoints still owed a
 * delivery. `change` is applied to the current value (never below zero) under a row lock on PostgreSQL, so
 * concurrent settlements of one event's deliveries cannot lose an update.
 */
export async function adjustPendingWebhooks(
  db: Db,
  engine: string,
  scope: Scope,
  eventId: string,
  change: { set: number } | { subtract: number },
): Promise<void> {
  let q = db
    .selectFrom('events')
    .select(['data', 'pending_webhooks'])
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', modeValue(scope))
    .where('id', '=', eventId);
  if (engine === 'postgres') q = q.forUpdate();
  const row = (await q.executeTakeFirst()) as { data: string; pending_webhooks: number } | undefined;
  if (!row) return;
  const next = 'set' in change ? change.set : Math.max(0, row.pending_webhooks - change.subtract);
  if (next === row.pending_webhooks) return;
  const data = JSON.parse(row.data) as Record<string, unknown>;
  data.pending_webhooks = next;
  await db
    .updateTable('events')
    .set({ pending_webhooks: next, data: JSON.stringify(data) })
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', modeValue(scope))
    .where('id', '=', eventId)
    .execute();
}
