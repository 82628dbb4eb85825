import type { Db } from '../store.js';

/**
 * Orders found by their Checkout Session: when a completed session's authorization is released (its PaymentIntent
 * canceled), its order is no longer paid, and is looked up by `checkout_session`.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.createIndex('orders_checkout_session').on('orders').columns(['merchant_id', 'livemode', 'checkout_session']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('orders_checkout_session').execute();
}
