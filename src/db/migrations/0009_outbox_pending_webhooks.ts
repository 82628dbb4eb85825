import type { Db } from '../store.js';

/**
 * The outbox row carries how many webhook deliveries its events were counted as owing when they were recorded (the
 * sum of their `pending_webhooks`). When that is 0 and the scope has no enabled endpoint at fan-out time, there is
 * nothing to deliver and no count to correct, and the worker only removes the row, without reading the events.
 * Null (rows written before this migration): unknown, the events are read as before.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('event_outbox').addColumn('pending_webhooks', 'integer').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('event_outbox').dropColumn('pending_webhooks').execute();
}
