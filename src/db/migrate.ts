import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Store } from './store.js';
import * as m0001 from './migrations/0001_platform.js';
import * as m0003 from './migrations/0003_payments.js';
import * as m0004 from './migrations/0004_webhooks.js';
import * as m0002 from './migrations/0002_catalog.js';
import * as m0005 from './migrations/0005_checkout.js';
import * as m0006 from './migrations/0006_idempotency_claim.js';
import * as m0007 from './migrations/0007_idempotency_claim_lock.js';
import * as m0008 from './migrations/0008_outbox_per_transaction.js';
import * as m0009 from './migrations/0009_outbox_pending_webhooks.js';
import * as m0010 from './migrations/0010_event_payment_intent_links.js';
import * as m0011 from './migrations/0011_orders_by_session.js';
import * as m0012 from './migrations/0012_partial_filter_indexes.js';

/** Every migration, in order. A new one is appended here; applied ones are never edited. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_platform': m0001,
  '0003_payments': m0003,
  '0004_webhooks': m0004,
  '0002_catalog': m0002,
  '0005_checkout': m0005,
  '0006_idempotency_claim': m0006,
  '0007_idempotency_claim_lock': m0007,
  '0008_outbox_per_transaction': m0008,
  '0009_outbox_pending_webhooks': m0009,
  '0010_event_payment_intent_links': m0010,
  '0011_orders_by_session': m0011,
  '0012_partial_filter_indexes': m0012,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

export async function migrateToLatest(store: Store): Promise<string[]> {
  const migrator = new Migrator({ db: store.db, provider, migrationTableName: 'railyard_migrations', migrationLockTableName: 'railyard_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
