import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openStore } from '../../src/db/store.js';
import { createFirstMerchant } from '../../src/domain/merchants/create-merchant.js';
import { systemClock } from '../../src/lib/clock.js';
import { ENGINES, freshDatabase } from '../harness.js';

describe.each(ENGINES)('first start (%s)', (engine) => {
  it('creates exactly one first merchant when several nodes start at once', async () => {
    const database = await freshDatabase(engine);
    const stores = [openStore(database.url), openStore(database.url), openStore(database.url)];
    try {
      await migrateToLatest(stores[0]!);
      const made = await Promise.all(stores.map((s) => createFirstMerchant(s, systemClock, 'Default merchant')));
      expect(made.filter(Boolean)).toHaveLength(1);
      expect(await createFirstMerchant(stores[0]!, systemClock, 'Again')).toBeUndefined();
      const rows = await stores[0]!.db.selectFrom('merchants').select('id').execute();
      expect(rows).toHaveLength(1);
    } finally {
      for (const s of stores) await s.close();
      await database.drop();
    }
  });
});
