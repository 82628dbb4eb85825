import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openStore } from '../../src/db/store.js';
import { createFirstMerchant } from '../../src/domain/merchants/create-merchant.js';
import { systemClock } from '../../src/lib/clock.js';
import { startServer } from '../../src/server.js';
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

describe.each(ENGINES)('first start on a port in use (%s)', (engine) => {
  it('fails without making or printing the first merchant; the next start shows its key', async () => {
    const database = await freshDatabase(engine);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const env = { DATABASE_URL: database.url, LOG_LEVEL: 'silent', JOBS: 'off', RAILYARD_SECRETS_KEY: '11'.repeat(32) };
    try {
      const lines: string[] = [];
      await expect(startServer(loadConfig({ ...env, PORT: String(taken) }), { announce: (l) => lines.push(l) })).rejects.toThrow(/EADDRINUSE/);
      expect(lines.join('\n')).not.toMatch(/sk_test_/);
      const next: string[] = [];
      const server = await startServer(loadConfig({ ...env, PORT: '0' }), { announce: (l) => next.push(l) });
      await server.close();
      expect(next.join('\n')).toMatch(/Created a first merchant mer_\w+[\s\S]*sk_test_\w+[\s\S]*listening on/);
    } finally {
      blocker.close();
      await database.drop();
    }
  });
});
