import { modeValue, type Scope } from '../../db/objects.js';
import type { Db } from '../../db/store.js';

/**
 * Keeps events' `pending_webhooks` (column and JSON body) equal to the number of endpoints still owed a delivery.
 * `change(current)` gives each event's new value; rows are read under a lock on PostgreSQL, in id order, so
 * concurrent workers settling deliveries of one event neither lose an update nor deadlock.
 */
async function changePendingWebhooks(
  db: Db,
  engine: string,
  scope: Scope,
  eventIds: string[],
  change: (id: string, current: number) => number,
): Promise<void> {
  if (eventIds.length === 0) return;
  let q = db
    .selectFrom('events')
    .select(['id', 'data', 'pending_webhooks'])
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', modeValue(scope))
    .where('id', 'in', eventIds)
    .orderBy('id');
  if (engine === 'postgres') q = q.forUpdate();
  const rows = (await q.execute()) as { id: string; data: string; pending_webhooks: number }[];
  for (const row of rows) {
    const next = Math.max(0, change(row.id, row.pending_webhooks));
    if (next === row.pending_webhooks) continue;
    const data = JSON.parse(row.data) as Record<string, unknown>;
    data.pending_webhooks = next;
    await db
      .updateTable('events')
      .set({ pending_webhooks: next, data: JSON.stringify(data) })
      .where('merchant_id', '=', scope.merchantId)
      .where('livemode', '=', modeValue(scope))
      .where('id', '=', row.id)
      .execute();
  }
}

/** Sets the count when an event is fanned out (the endpoints subscribed at that moment). */
export function setPendingWebhooks(db: Db, engine: string, scope: Scope, counts: Map<string, number>): Promise<void> {
  return changePendingWebhooks(db, engine, scope, [...counts.keys()], (id, current) => counts.get(id) ?? current);
}

/** Lowers the count by the number of deliveries of each event that were just settled (succeeded or given up). */
export function settlePendingWebhooks(db: Db, engine: string, scope: Scope, settled: Map<string, number>): Promise<void> {
  return changePendingWebhooks(db, engine, scope, [...settled.keys()], (id, current) => current - (settled.get(id) ?? 0));
}
