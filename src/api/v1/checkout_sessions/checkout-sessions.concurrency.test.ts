import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, expectError, type TestServer } from '../../../../test/harness.js';
import { openStore, type Store } from '../../../db/store.js';
import { expireDueSessions } from '../../../jobs/expire-sessions.js';
import { confirm, embeddedSession, ok, type Api, type Catalog, type Obj, startCheckoutServer } from './checkout-fixtures.js';

describe.each(ENGINES)('checkout sessions under concurrency (%s)', (engine) => {
  let server: TestServer;
  let api: Api;
  let pk: Api;
  let cat: Catalog;
  const extraStores: Store[] = [];
  beforeAll(async () => {
    ({ server, api, pk, cat } = await startCheckoutServer(engine));
  });
  afterAll(async () => {
    await Promise.all(extraStores.map((s) => s.close()));
    await server.close();
  });

  async function sessionEvents(id: string, type: string): Promise<number> {
    const events = await ok(api.get<{ data: { data: { object: Obj } }[] }>(`/v1/events?type=${type}&limit=100`));
    return events.data.filter((e) => e.data.object.id === id).length;
  }

  it('expire and completion racing: exactly one wins, the other gets a clear 400, the intent agrees', async () => {
    const outcomes = { expired: 0, complete: 0 };
    for (let i = 0; i < 12; i++) {
      const s = await embeddedSession(api, cat);
      const id = s.id as string;
      // Staggered starts (0–33 ms either way) so both orders happen, including truly overlapping ones.
      const later = <T>(ms: number, f: () => Promise<T>) => new Promise<T>((resolve, reject) => setTimeout(() => void f().then(resolve, reject), ms));
      const lag = (i >> 1) * 3;
      const [expire, pay] = await Promise.all([
        later(i % 2 === 1 ? lag : 0, () => api.post(`/v1/checkout/sessions/${id}/expire`, {})),
        later(i % 2 === 0 ? lag : 0, () => confirm(pk, s, { payment_method: 'pm_card_visa' })),
      ]);
      const final = await ok(api.get(`/v1/checkout/sessions/${id}`));
      const pi = await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`));
      if (final.status === 'expired') {
        outcomes.expired++;
        expect(expire.status).toBe(200);
        expectError(pay, 400, 'checkout_session_not_open');
        expect(pi).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned', amount_received: 0 });
        expect(await sessionEvents(id, 'checkout.session.completed')).toBe(0);
        expect(await sessionEvents(id, 'checkout.session.expired')).toBe(1);
      } else {
        outcomes.complete++;
        expect(final.status).toBe('complete');
        expect(pay.status).toBe(200);
        expectError(expire, 400, 'checkout_session_not_open');
        expect(pi).toMatchObject({ status: 'succeeded', amount_received: 2000 });
        expect(await sessionEvents(id, 'checkout.session.completed')).toBe(1);
        expect(await sessionEvents(id, 'checkout.session.expired')).toBe(0);
      }
    }
    expect(outcomes.expired + outcomes.complete).toBe(12);
    expect(outcomes.expired).toBeGreaterThan(0);
    expect(outcomes.complete).toBeGreaterThan(0);
  });

  it('several expiry workers on one database expire each due session exactly once', async () => {
    const t = (await ok(api.get<{ now: number }>('/v1/test_helpers/clock'))).now;
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      ids.push((await embeddedSession(api, cat, { expires_at: t + 1800 + (i % 3) })).id as string);
    }
    await ok(api.post('/v1/test_helpers/advance_clock', { seconds: 1803 }));
    const workers = [server.deps, ...[1, 2].map(() => {
      const store = openStore(server.deps.config.databaseUrl, { poolSize: 4 });
      extraStores.push(store);
      return { ...server.deps, store };
    })];
    const passes = await Promise.all(workers.flatMap((deps) => [expireDueSessions(deps, 10), expireDueSessions(deps, 50)]));
    const rest = await expireDueSessions(server.deps);
    const total = passes.reduce((n, p) => n + p.expired, 0) + rest.expired;
    expect(passes.flatMap((p) => p.failed)).toEqual([]);
    expect(total).toBe(24);
    for (const id of ids) {
      expect((await ok(api.get(`/v1/checkout/sessions/${id}`))).status).toBe('expired');
      expect(await sessionEvents(id, 'checkout.session.expired')).toBe(1);
    }
    const canceled = await ok(api.get<{ data: Obj[] }>('/v1/events?type=payment_intent.canceled&limit=100'));
    const byIntent = new Map<string, number>();
    for (const e of canceled.data) {
      const pi = ((e as { data: { object: Obj } }).data.object.id as string) ?? '';
      byIntent.set(pi, (byIntent.get(pi) ?? 0) + 1);
    }
    expect([...byIntent.values()].every((n) => n === 1)).toBe(true);
  });

  it('the expiry job racing a buyer: exactly one of expiry and completion happens', async () => {
    const t = (await ok(api.get<{ now: number }>('/v1/test_helpers/clock'))).now;
    const sessions: Obj[] = [];
    for (let i = 0; i < 8; i++) sessions.push(await embeddedSession(api, cat, { expires_at: t + 1800 }));
    // The buyers pay just before the clock passes expires_at; the job runs at the same time.
    await ok(api.post('/v1/test_helpers/advance_clock', { seconds: 1799 }));
    const pays = sessions.map((s) => confirm(pk, s, { payment_method: 'pm_card_visa' }));
    await ok(api.post('/v1/test_helpers/advance_clock', { seconds: 1 }));
    await Promise.all([expireDueSessions(server.deps), ...pays]);
    await expireDueSessions(server.deps);
    for (const s of sessions) {
      const final = await ok(api.get(`/v1/checkout/sessions/${s.id as string}`));
      const pi = await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`));
      expect(['complete', 'expired']).toContain(final.status);
      expect(pi.status).toBe(final.status === 'complete' ? 'succeeded' : 'canceled');
      if (final.status === 'expired') expect(pi.cancellation_reason).toBe('expired');
      const completed = await sessionEvents(s.id as string, 'checkout.session.completed');
      const expired = await sessionEvents(s.id as string, 'checkout.session.expired');
      expect(completed + expired).toBe(1);
    }
  });
});
