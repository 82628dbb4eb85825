import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../db/store.js';
import { nodeTransport } from '../lib/outbound-http.js';
import type { Deps } from '../domain/context.js';
import { client, ENGINES, startTestServer, type TestServer } from '../../test/harness.js';
import { startReceiver, type Receiver } from '../../test/webhooks-kit.js';
import { Scheduler } from './scheduler.js';
import { WebhookWorker } from './webhook-delivery.js';

// Several processes sharing one PostgreSQL: each has its own store (pool) and scheduler.
describe.skipIf(!ENGINES.includes('postgres'))('two workers on one PostgreSQL', () => {
  let server: TestServer;
  let receiver: Receiver;
  const stores: Store[] = [];

  beforeAll(async () => {
    server = await startTestServer('postgres');
    receiver = await startReceiver(() => ({ kind: 'status', status: 200, body: 'ok' }));
  });
  afterAll(async () => {
    await receiver.close();
    for (const s of stores) await s.close();
    await server.close();
  });

  it('delivers each event exactly once per endpoint while both work the same queue', async () => {
    const api = client(server, server.merchant.keys.sk_test);
    const endpoints = [];
    for (const name of ['a', 'b', 'c']) {
      const res = await api.post<{ id: string }>('/v1/webhook_endpoints', { url: `${receiver.url}?endpoint=${name}`, enabled_events: ['customer.created'] });
      endpoints.push(res.body.id);
    }
    const sentBy = [0, 0];
    const workers = [0, 1].map((n) => {
      const store = openStore(server.deps.config.databaseUrl, { poolSize: 8 });
      stores.push(store);
      const deps: Deps = {
        ...server.deps,
        store,
        logger: pino({ level: 'silent' }),
        webhookTransport: (req) => {
          sentBy[n]! += 1;
          return nodeTransport(req);
        },
      };
      const scheduler = new Scheduler(server.clock, deps.logger, 5);
      const worker = new WebhookWorker(deps, { workerId: `node-${n}`, maxConcurrent: 8, perEndpoint: 4, onProgress: () => scheduler.wake() });
      scheduler.register(worker);
      return { scheduler, worker };
    });
    const EVENTS = 60;
    await Promise.all(Array.from({ length: EVENTS }, (_, i) => api.post('/v1/customers', { email: `c${i}@example.com` })));
    for (const w of workers) w.scheduler.start();
    const expected = EVENTS * endpoints.length;
    const deadline = Date.now() + 20_000;
    while (receiver.received.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const w of workers) await w.scheduler.stop();
    for (const w of workers) await w.worker.drain();

    const seen = new Map<string, number>();
    for (const r of receiver.received) {
      const k = `${String(r.headers['webhook-id'])}|${new URL(r.url, 'http://x').searchParams.get('endpoint') ?? ''}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    expect(receiver.received).toHaveLength(expected);
    expect(seen.size).toBe(expected);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    // Both processes took part, and every delivery is recorded as one succeeded attempt.
    expect(sentBy[0]).toBeGreaterThan(0);
    expect(sentBy[1]).toBeGreaterThan(0);
    expect(sentBy[0]! + sentBy[1]!).toBe(expected);
    const byWorker = await server.store.db
      .selectFrom('webhook_deliveries')
      .select(['status'])
      .select((eb) => eb.fn.countAll().as('n'))
      .groupBy('status')
      .execute();
    expect(byWorker).toEqual([{ status: 'succeeded', n: expected }]);
    const attempts = await server.store.db.selectFrom('webhook_attempts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    expect(Number(attempts?.n)).toBe(expected);
    const pending = await server.store.db.selectFrom('events').select('pending_webhooks').where('type', '=', 'customer.created').execute();
    expect(pending.every((p) => p.pending_webhooks === 0)).toBe(true);
  });
});
