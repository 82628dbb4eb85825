import type { Db } from '../store.js';

/**
 * One outbox row per transaction (and tenant scope) instead of one per event: `event_id` is the transaction's first
 * event, `more_event_ids` the others in the order they were recorded (comma-separated, null when there is one).
 * A PaymentIntent created and confirmed records three events; the outbox now takes one row for them, and the
 * webhook worker deletes one. Rows written before this migration (one event each) read the same.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('event_outbox').addColumn('more_event_ids', 'text').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('event_outbox').dropColumn('more_event_ids').execute();
}
