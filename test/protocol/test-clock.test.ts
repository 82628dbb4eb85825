import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../harness.js';
import { counts } from './support.js';

/** decisions.md "Test clock": per merchant, test mode only, `created` follows it. */
describe.each(ENGINES)('test clock (%s)', (engine) => {
  let server: TestServer;
  let clock: ManualClock;
  const start = Date.UTC(2026, 4, 1, 8, 0, 0);
  beforeAll(async () => {
    clock = new ManualClock(start);
    server = await startTestServer(engine, { clock });
  });
  afterAll(() => server.close());

  it('reads the clock, advances it, and stamps new objects and events with it', async () => {
    const m = await server.newMerchant('Clocked');
    const api = client(server, m.keys.sk_test);
    const now = Math.floor(clock.nowMs() / 1000);
    expect((await api.get('/v1/test_helpers/clock')).body).toEqual({ object: 'test_clock', now, offset_seconds: 0 });

    const advanced = await api.post('/v1/test_helpers/advance_clock', { seconds: 3600 });
    expect(advanced.status).toBe(200);
    expect(advanced.body).toEqual({ object: 'test_clock', now: now + 3600, offset_seconds: 3600 });
    expect((await api.get('/v1/test_helpers/clock')).body).toEqual(advanced.body);

    const customer = await api.post('/v1/customers', { name: 'Later' });
    expect(customer.body.created).toBe(now + 3600);
    const event = (await api.get('/v1/events?limit=1')).body.data as { created: number; type: string }[];
    expect(event[0]).toMatchObject({ type: 'customer.created', created: now + 3600 });

    // The offset accumulates and the underlying clock still moves underneath it.
    await api.post('/v1/test_helpers/advance_clock', undefined, { form: 'seconds=60' });
    clock.advance(10);
    expect((await api.get('/v1/test_helpers/clock')).body).toEqual({ object: 'test_clock', now: now + 3670, offset_seconds: 3660 });

    // Live mode and other merchants keep the real time.
    const live = await client(server, m.keys.sk_live).post('/v1/customers', { name: 'Live' });
    expect(live.body.created).toBe(now + 10);
    const other = await client(server, server.other.keys.sk_test).post('/v1/customers', { name: 'Other' });
    expect(other.body.created).toBe(now + 10);
    expect((await client(server, server.other.keys.sk_test).get('/v1/test_helpers/clock')).body).toMatchObject({ offset_seconds: 0 });
  });

  it('accepts 1 to 31,536,000 seconds and refuses anything else, changing nothing', async () => {
    const m = await server.newMerchant('Bounds');
    const api = client(server, m.keys.sk_test);
    const before = await counts(server);
    for (const seconds of [0, -1, 31_536_001, 1.5, 'abc', '', null, true, [1], { n: 1 }]) {
      const res = await api.post('/v1/test_helpers/advance_clock', { seconds });
      expectError(res, 400, 'parameter_invalid', 'seconds');
    }
    expectError(await api.post('/v1/test_helpers/advance_clock', {}), 400, 'parameter_missing', 'seconds');
    expectError(await api.post('/v1/test_helpers/advance_clock', { seconds: 5, minutes: 1 }), 400, 'parameter_unknown', 'minutes');
    expect((await api.get('/v1/test_helpers/clock')).body.offset_seconds).toBe(0);
    expect(await counts(server)).toEqual(before);
    expect((await api.post('/v1/test_helpers/advance_clock', { seconds: 31_536_000 })).body.offset_seconds).toBe(31_536_000);
    expect((await api.post('/v1/test_helpers/advance_clock', { seconds: 1 })).body.offset_seconds).toBe(31_536_001);
  });

  it('adds up concurrent advances (no lost update)', async () => {
    const m = await server.newMerchant('Concurrent clock');
    const api = client(server, m.keys.sk_test);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => api.post('/v1/test_helpers/advance_clock', { seconds: i + 1 })));
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 200));
    expect((await api.get('/v1/test_helpers/clock')).body.offset_seconds).toBe(55);
    expect(new Set(results.map((r) => r.body.offset_seconds)).size).toBe(10);
  });

  it('refuses live-mode keys with 400 test_mode_only and publishable keys with 401', async () => {
    const m = await server.newMerchant('Live');
    const live = client(server, m.keys.sk_live);
    const err = expectError(await live.get('/v1/test_helpers/clock'), 400, 'test_mode_only', null);
    expect(err.type).toBe('invalid_request_error');
    expectError(await live.post('/v1/test_helpers/advance_clock', { seconds: 60 }), 400, 'test_mode_only', null);
    expectError(await client(server, m.keys.pk_test).post('/v1/test_helpers/advance_clock', { seconds: 60 }), 401, 'secret_key_required');
    expect((await client(server, m.keys.sk_test).get('/v1/test_helpers/clock')).body.offset_seconds).toBe(0);
    // The live clock is untouched: a live object is stamped with the real time.
    expect((await live.post('/v1/customers', { name: 'x' })).body.created).toBe(Math.floor(clock.nowMs() / 1000));
  });
});
