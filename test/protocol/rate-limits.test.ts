import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../harness.js';
import { counts } from './support.js';

/** decisions.md §10: 1,500/min per merchant and mode, 100/min per IP unauthenticated, headers, Retry-After. */
describe.each(ENGINES)('rate limits (%s)', (engine) => {
  let server: TestServer;
  let clock: ManualClock;
  beforeAll(async () => {
    // Two seconds into a minute: every request of a test lands in the same one-minute window unless moved.
    clock = new ManualClock(Date.UTC(2026, 2, 9, 10, 0, 2));
    server = await startTestServer(engine, { clock, env: { RATE_LIMITS: 'on' } });
  });
  afterAll(() => server.close());

  const get = (key: string | undefined, url = '/v1/test_helpers/clock', remoteAddress = '127.0.0.1') =>
    server.app.app.inject({ method: 'GET', url, remoteAddress, headers: key ? { authorization: `Bearer ${key}` } : {} });

  it('sends X-RateLimit-Limit and X-RateLimit-Remaining on responses, counting down', async () => {
    const m = await server.newMerchant('Headers');
    const api = client(server, m.keys.sk_test);
    const first = await api.get('/v1/customers');
    expect(first.headers.get('x-ratelimit-limit')).toBe('1500');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1499');
    const second = await api.post('/v1/customers', { bogus: 1 });
    expect(second.status).toBe(400);
    expect(second.headers.get('x-ratelimit-remaining')).toBe('1498');
    const missing = await api.get('/v1/customers/cus_none');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-ratelimit-remaining')).toBe('1497');
  });

  it('also on responses no limit counts (unknown URLs, the index, the OpenAPI document), without spending any', async () => {
    const ip = '10.9.8.7';
    for (const url of ['/v1/nope', '/', '/openapi.json', '/healthz', '/v1/nope']) {
      const res = await get(undefined, url, ip);
      expect(res.headers['x-ratelimit-limit'], url).toBe('100');
      expect(res.headers['x-ratelimit-remaining'], url).toBe('100');
    }
    // An unauthenticated call spends one; the next unknown URL shows what is left.
    expect((await get(undefined, '/v1/customers', ip)).statusCode).toBe(401);
    expect((await get(undefined, '/v1/nope', ip)).headers['x-ratelimit-remaining']).toBe('99');
  });

  it('counts a publishable key refused on a secret-key endpoint against its merchant and mode', async () => {
    const m = await server.newMerchant('Publishable');
    const api = client(server, m.keys.pk_test);
    for (const remaining of ['1499', '1498']) {
      const res = await api.get('/v1/customers');
      expectError(res, 401, 'secret_key_required', null);
      expect(res.headers.get('x-ratelimit-remaining')).toBe(remaining);
    }
    expect((await client(server, m.keys.sk_test).get('/v1/customers')).headers.get('x-ratelimit-remaining')).toBe('1497');
  });

  it('shows the headers on answers the router cannot route (a malformed URL), without spending any', async () => {
    const ip = '10.9.8.6';
    const res = await get(undefined, '/v1/customers/%ZZ', ip);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.payload).error.code).toBe('request_malformed');
    expect(res.headers['x-ratelimit-limit']).toBe('100');
    expect(res.headers['x-ratelimit-remaining']).toBe('100');
  });

  it('answers the 1,501st request of a minute with 429 rate_limit_error and Retry-After, per merchant and mode', async () => {
    clock.advance(60);
    const m = await server.newMerchant('Busy');
    for (let i = 1; i <= 1500; i++) {
      const res = await get(m.keys.sk_test);
      if (res.statusCode !== 200) throw new Error(`request ${i} answered ${res.statusCode}`);
      if (i === 1500) expect(res.headers['x-ratelimit-remaining']).toBe('0');
    }
    const limited = await get(m.keys.sk_test);
    expect(limited.statusCode).toBe(429);
    const err = (JSON.parse(limited.payload) as { error: Record<string, unknown> }).error;
    expect(err).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded', param: null, doc_url: 'https://docs.leanrails.com/errors/rate_limit_exceeded' });
    expect(Object.keys(err).sort()).toEqual(['code', 'doc_url', 'message', 'param', 'type']);
    expect(limited.headers['retry-after']).toBe('58');
    expect(limited.headers['x-ratelimit-limit']).toBe('1500');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(limited.headers['x-api-version']).toBe('2026-03-09');
    expect(limited.headers['request-id']).toMatch(/^req_/);

    // A limited POST writes nothing and leaves its Idempotency-Key free.
    const before = await counts(server, m.id);
    const api = client(server, m.keys.sk_test);
    expectError(await api.post('/v1/customers', { name: 'later' }, { idempotencyKey: 'after-429' }), 429, 'rate_limit_exceeded', null);
    expect(await counts(server, m.id)).toEqual(before);

    // Other merchants and the other mode have their own budget.
    expect((await get(server.other.keys.sk_test)).statusCode).toBe(200);
    expect((await get(m.keys.sk_live, '/v1/customers')).statusCode).toBe(200);

    // The next window starts afresh; Retry-After shrinks as the window runs out.
    clock.advance(30);
    expect((await get(m.keys.sk_test)).headers['retry-after']).toBe('28');
    clock.advance(28);
    const next = await get(m.keys.sk_test);
    expect(next.statusCode).toBe(200);
    expect(next.headers['x-ratelimit-remaining']).toBe('1499');
    const retried = await api.post('/v1/customers', { name: 'later' }, { idempotencyKey: 'after-429' });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it('limits unauthenticated requests to 100 a minute per IP address', async () => {
    clock.advance(60);
    for (let i = 1; i <= 100; i++) {
      const res = await get(undefined, '/v1/customers', '203.0.113.7');
      expect(res.statusCode).toBe(401);
      expect(res.headers['x-ratelimit-limit']).toBe('100');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(100 - i));
    }
    const limited = await get('sk_test_doesnotexist', '/v1/customers', '203.0.113.7');
    expect(limited.statusCode).toBe(429);
    expect(JSON.parse(limited.payload).error.type).toBe('rate_limit_error');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is unaffected, and so is an authenticated caller from the limited one.
    expect((await get(undefined, '/v1/customers', '203.0.113.8')).statusCode).toBe(401);
    expect((await get(server.merchant.keys.sk_test, '/v1/customers', '203.0.113.7')).statusCode).toBe(200);
  });
});

describe.each(ENGINES)('RATE_LIMITS=off (%s)', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine, { env: { RATE_LIMITS: 'off' } });
  });
  afterAll(() => server.close());

  it('never answers 429, and still shows the counted allowance on every response', async () => {
    // Even with tiny configured budgets, nothing is refused when the switch is off; the headers still count.
    server.app.runtime.rateLimits.default = 3;
    server.app.runtime.rateLimits.unauthenticated = 3;
    const api = client(server, server.merchant.keys.sk_test);
    for (let i = 0; i < 10; i++) {
      const res = await api.get('/v1/customers');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('3');
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(Math.max(0, 2 - i)));
      const anon = await server.app.app.inject({ method: 'GET', url: '/v1/customers' });
      expect(anon.statusCode).toBe(401);
      expect(anon.headers['x-ratelimit-limit']).toBe('3');
      const unknown = await server.app.app.inject({ method: 'GET', url: '/v1/nope' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.headers['x-ratelimit-limit']).toBe('3');
    }
  });
});
