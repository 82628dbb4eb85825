import { sql } from 'kysely';
import type { Db } from '../store.js';
import { listIndex, objectTable } from './helpers.js';

/**
 * Webhook endpoints, the delivery queue (one row per event × endpoint) and the attempt log.
 * Times: `next_attempt_at` and `created` are unix seconds on the merchant's clock (test mode follows the test
 * clock); `locked_until` is the lease's end in real milliseconds (leases are about process liveness, not
 * merchant time).
 */
export async function up(db: Db): Promise<void> {
  await objectTable(db, 'webhook_endpoints')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('enabled', 'disabled')`))
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('previous_secret_sealed', 'text')
    .addColumn('previous_secret_expires_at', 'bigint')
    .execute();
  await listIndex(db, 'webhook_endpoints');

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'succeeded', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'bigint')
    .addColumn('last_attempt_at', 'bigint')
    .addColumn('test_event', 'integer', (c) => c.notNull().defaultTo(0))
    // A test event is not an Event row (never listed in /v1/events): its payload travels with its delivery.
    .addColumn('payload', 'text')
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_deliveries_pk', ['merchant_id', 'livemode', 'id'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_event_endpoint')
    .on('webhook_deliveries')
    .columns(['merchant_id', 'livemode', 'event_id', 'endpoint_id'])
    .unique()
    .execute();
  await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema
    .createIndex('webhook_deliveries_endpoint')
    .on('webhook_deliveries')
    .columns(['merchant_id', 'livemode', 'endpoint_id', 'status'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_created').on('webhook_deliveries').columns(['merchant_id', 'livemode', 'created']).execute();

  // The attempt log: `data` holds the attempt object as the API shows it; the columns serve filters and cleanup.
  await objectTable(db, 'webhook_attempts')
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .execute();
  await listIndex(db, 'webhook_attempts', ['endpoint_id']);
  await listIndex(db, 'webhook_attempts');
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('webhook_attempts').execute();
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_endpoints').execute();
}
