import { sql } from 'kysely';
import type { Db } from '../store.js';

/**
 * `GET /v1/events?payment_intent=…` lists a PaymentIntent's own events and those of its charges and refunds
 * (fluveo-api.md §3.11). Checkout Session and Order events were once recorded with their PaymentIntent too, and so
 * appeared in that list; they no longer are, and this unlinks the ones already stored.
 */
export async function up(db: Db): Promise<void> {
  await sql`update events set payment_intent = null where payment_intent is not null and (type like 'checkout.session.%' or type like 'order.%')`.execute(db);
}

export async function down(): Promise<void> {
  // The links removed were wrong; nothing to restore.
}
