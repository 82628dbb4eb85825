import { sql } from 'kysely';
import type { Db } from '../store.js';
import { listIndex, objectTable } from './helpers.js';

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('merchants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('default_api_version', 'text', (c) => c.notNull())
    .addColumn('test_clock_offset_s', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sqlIn('type', ['secret', 'publishable'])))
    .addColumn('name', 'text')
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .addPrimaryKeyConstraint('api_keys_pk', ['merchant_id', 'livemode', 'id'])
    .execute();
  // Authentication looks a key up by its hash alone; the hash is unique across the installation.
  await db.schema.createIndex('api_keys_secret_hash').on('api_keys').column('secret_hash').unique().execute();
  await listIndex(db, 'api_keys');

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer', (c) => c.notNull())
    .addColumn('response_body', 'text', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['merchant_id', 'livemode', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_expiry').on('idempotency_keys').column('expires_at').execute();

  await objectTable(db, 'customers')
    .addColumn('email', 'text')
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await listIndex(db, 'customers');
  await listIndex(db, 'customers', ['email']);

  await objectTable(db, 'events')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('api_version', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text')
    .addColumn('payment_intent', 'text')
    .addColumn('pending_webhooks', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await listIndex(db, 'events');
  await listIndex(db, 'events', ['type']);
  await listIndex(db, 'events', ['payment_intent']);

  // The durable outbox: one row per event, written in the event's transaction; the webhook worker claims rows
  // (FOR UPDATE SKIP LOCKED on PostgreSQL), fans them out to endpoints and marks them dispatched.
  await db.schema
    .createTable('event_outbox')
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('dispatched_at', 'bigint')
    .addPrimaryKeyConstraint('event_outbox_pk', ['merchant_id', 'livemode', 'event_id'])
    .execute();
  await db.schema
    .createIndex('event_outbox_pending')
    .on('event_outbox')
    .columns(['dispatched_at', 'created'])
    .execute();
}

function sqlIn(column: string, values: string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}
