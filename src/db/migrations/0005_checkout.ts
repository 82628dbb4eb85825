import { sql } from 'kysely';
import type { Db } from '../store.js';
import { listIndex, objectTable } from './helpers.js';

/**
 * Checkout: sessions, orders (with their inventory reservations) and checkout links.
 *
 * Hidden columns (never part of the API object) hold what the object does not show: a session's line items (read
 * only by `…/line_items` and `expand`, so the session body stays small), the buyer's details collected before a
 * payment finishes (a 3-D Secure authentication completes the session later, from another request), and the
 * line items a checkout link mints sessions from. A link counts its completed sessions in `completed_sessions`,
 * under its row lock, so a completion limit is exact under concurrent buyers.
 */
export async function up(db: Db): Promise<void> {
  await objectTable(db, 'checkout_sessions')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'complete', 'expired')`))
    .addColumn('customer', 'text')
    .addColumn('payment_intent', 'text')
    .addColumn('checkout_link', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('line_items', 'text', (c) => c.notNull())
    .addColumn('collected', 'text')
    .execute();
  await listIndex(db, 'checkout_sessions');
  await listIndex(db, 'checkout_sessions', ['status']);
  await listIndex(db, 'checkout_sessions', ['customer']);
  await listIndex(db, 'checkout_sessions', ['payment_intent']);
  // The expiry job's queue: only open sessions, by due time (a partial index on both engines).
  await db.schema
    .createIndex('checkout_sessions_open_expiry')
    .on('checkout_sessions')
    .columns(['expires_at'])
    .where(sql.ref('status'), '=', 'open')
    .execute();

  await objectTable(db, 'orders')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'completed', 'canceled')`))
    .addColumn('customer', 'text')
    .addColumn('checkout_session', 'text')
    .execute();
  await listIndex(db, 'orders');
  await listIndex(db, 'orders', ['status']);
  await listIndex(db, 'orders', ['customer']);

  await db.schema
    .createTable('order_reservations')
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('line_item', 'text', (c) => c.notNull())
    .addColumn('product', 'text')
    .addColumn('price', 'text')
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('reserved', 'released', 'consumed')`))
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('updated', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_reservations_pk', ['merchant_id', 'livemode', 'order_id', 'line_item'])
    .execute();
  await db.schema
    .createIndex('order_reservations_product')
    .on('order_reservations')
    .columns(['merchant_id', 'livemode', 'product', 'status'])
    .execute();

  await objectTable(db, 'checkout_links')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('line_items', 'text', (c) => c.notNull())
    .addColumn('completed_sessions', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await listIndex(db, 'checkout_links');
  await listIndex(db, 'checkout_links', ['active']);
  // A link's page (/cl/<id>) and a session's hosted page (/c/<id>) carry no API key: they find the row by id alone.
  await db.schema.createIndex('checkout_links_by_id').on('checkout_links').column('id').unique().execute();
  await db.schema.createIndex('checkout_sessions_by_id').on('checkout_sessions').column('id').unique().execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('checkout_links').execute();
  await db.schema.dropTable('order_reservations').execute();
  await db.schema.dropTable('orders').execute();
  await db.schema.dropTable('checkout_sessions').execute();
}
