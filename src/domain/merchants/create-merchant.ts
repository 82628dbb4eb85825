import { sql } from 'kysely';
import type { Db, Store } from '../../db/store.js';
import { CURRENT_API_VERSION } from '../../lib/api-versions.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { issueKey } from '../api-keys/api-key.js';

export interface CreatedMerchant {
  id: string;
  name: string;
  keys: { sk_test: string; pk_test: string; sk_live: string; pk_live: string };
}

/** Creates a merchant with the current API version as its default and its four keys, in one transaction. */
export async function createMerchant(store: Store, clock: Clock, name: string): Promise<CreatedMerchant> {
  return store.withTransaction((tx) => insertMerchant(tx, clock, name));
}

/**
 * Creates the first merchant of an empty database, or nothing when one exists. Several nodes starting at once on
 * one PostgreSQL agree through a transaction-scoped advisory lock; SQLite's write transaction already serializes.
 */
export async function createFirstMerchant(store: Store, clock: Clock, name: string): Promise<CreatedMerchant | undefined> {
  return store.withTransaction(async (tx) => {
    if (store.engine === 'postgres') await sql`select pg_advisory_xact_lock(${FIRST_MERCHANT_LOCK})`.execute(tx);
    const row = (await tx.selectFrom('merchants').select('id').limit(1).executeTakeFirst()) as { id: string } | undefined;
    return row ? undefined : insertMerchant(tx, clock, name);
  });
}

/** An arbitrary constant naming the first-start lock. */
const FIRST_MERCHANT_LOCK = 7_242_001;

async function insertMerchant(tx: Db, clock: Clock, name: string): Promise<CreatedMerchant> {
  const now = Math.floor(clock.nowMs() / 1000);
  const id = newId('mer');
  await tx
    .insertInto('merchants')
    .values({ id, name, default_api_version: CURRENT_API_VERSION, test_clock_offset_s: 0, created: now })
    .execute();
  const skTest = await issueKey(tx, id, 'secret', false, 'Default test secret key', now);
  const pkTest = await issueKey(tx, id, 'publishable', false, 'Default test publishable key', now);
  const skLive = await issueKey(tx, id, 'secret', true, 'Default live secret key', now);
  const pkLive = await issueKey(tx, id, 'publishable', true, 'Default live publishable key', now);
  return {
    id,
    name,
    keys: { sk_test: skTest.secret, pk_test: pkTest.secret, sk_live: skLive.secret, pk_live: pkLive.secret },
  };
}
