import type { Store } from '../../db/store.js';
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
  const now = Math.floor(clock.nowMs() / 1000);
  return store.withTransaction(async (tx) => {
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
  });
}

export async function countMerchants(store: Store): Promise<number> {
  const row = (await store.db.selectFrom('merchants').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst()) as
    | { n: number | string }
    | undefined;
  return Number(row?.n ?? 0);
}
