import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { sha256Hex } from '../../src/lib/secrets.js';
import { client, ENGINES, expectError, request, startTestServer, type TestServer } from '../harness.js';
import { basicAuth, counts, rawHttp } from './support.js';

/** What an unknown key is told; a revoked or expired key is told the same (fluveo-api.md §2.2 [B]). */
const UNKNOWN_KEY_MESSAGE = 'Invalid API key provided.';

/** decisions.md §1: Basic or Bearer, mode by prefix, every failure a 401 authentication_error in the envelope. */
describe.each(ENGINES)('authentication (%s)', (engine) => {
  let server: TestServer;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
    server = await startTestServer(engine, { clock });
  });
  afterAll(() => server.close());

  const inject = (headers: Record<string, string>, url = '/v1/customers') =>
    server.app.app.inject({ method: 'GET', url, headers });

  it('accepts HTTP Basic (key as username, empty password) and Bearer, with any scheme case', async () => {
    const key = server.merchant.keys.sk_test;
    for (const authorization of [basicAuth(key), `Bearer ${key}`, `bearer ${key}`, `BASIC ${Buffer.from(`${key}:`).toString('base64')}`]) {
      const res = await inject({ authorization });
      expect(res.statusCode, authorization).toBe(200);
    }
    // `key` without the colon is accepted as Basic too (curl -u key sends "key:", some clients omit it).
    expect((await inject({ authorization: `Basic ${Buffer.from(key).toString('base64')}` })).statusCode).toBe(200);
    expect((await request(server, 'GET', '/v1/customers', { key, bearer: true })).status).toBe(200);
  });

  it('selects the mode by the key prefix: livemode false for sk_test_, true for sk_live_', async () => {
    const test = await client(server, server.merchant.keys.sk_test).post('/v1/customers', { name: 'test mode' });
    const live = await client(server, server.merchant.keys.sk_live).post('/v1/customers', { name: 'live mode' });
    expect(test.status).toBe(200);
    expect(live.status).toBe(200);
    expect(test.body.livemode).toBe(false);
    expect(live.body.livemode).toBe(true);
    const liveEvents = await client(server, server.merchant.keys.sk_live).get('/v1/events');
    expect((liveEvents.body.data as { livemode: boolean }[]).every((e) => e.livemode)).toBe(true);
    expect((liveEvents.body.data as unknown[]).length).toBe(1);
  });

  const unknownKey = `sk_test_${'A'.repeat(32)}`;
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const malformed: [string, (key: string) => Record<string, string>][] = [
    ['no Authorization header', () => ({})],
    ['an empty header', () => ({ authorization: '' })],
    ['a scheme alone', () => ({ authorization: 'Basic' })],
    ['Bearer alone', () => ({ authorization: 'Bearer ' })],
    ['an unknown scheme', (key) => ({ authorization: `Token ${key}` })],
    ['two credentials', (key) => ({ authorization: `Bearer ${key} ${key}` })],
    ['a double space', (key) => ({ authorization: `Bearer  ${key}` })],
    ['Basic that is not base64', () => ({ authorization: 'Basic ***not-base64***' })],
    ['Basic that decodes to non-UTF-8 bytes', () => ({ authorization: `Basic ${Buffer.from([0xff, 0xfe, 0x3a]).toString('base64')}` })],
    ['Basic with a non-empty password', (key) => ({ authorization: `Basic ${b64(`${key}:secret`)}` })],
    ['Basic with the key as the password', (key) => ({ authorization: `Basic ${b64(`:${key}`)}` })],
    ['an unknown well-formed key (Basic)', () => ({ authorization: basicAuth(unknownKey) })],
    ['an unknown well-formed key (Bearer)', () => ({ authorization: `Bearer ${unknownKey}` })],
    ['a key of another shape', () => ({ authorization: 'Bearer rk_test_abc' })],
    ['a real key with its mode prefix changed', (key) => ({ authorization: `Bearer ${key.replace('sk_test_', 'sk_live_')}` })],
    ['an over-long header', () => ({ authorization: `Bearer sk_test_${'x'.repeat(5000)}` })],
  ];

  it.each(malformed)('answers 401 authentication_error for %s', async (_label, headers) => {
    const res = await inject(headers(server.merchant.keys.sk_test));
    expect(res.statusCode).toBe(401);
    const body = JSON.parse(res.payload) as { error: Record<string, unknown> };
    expect(Object.keys(body.error).sort()).toEqual(['code', 'doc_url', 'message', 'param', 'type']);
    expect(body.error).toMatchObject({
      type: 'authentication_error',
      code: 'authentication_failed',
      param: null,
      doc_url: 'https://docs.leanrails.com/errors/authentication_failed',
    });
    expect(res.headers['x-api-version']).toBe('2026-03-09');
    expect(res.headers['request-id']).toMatch(/^req_/);
  });

  it('refuses a real key with a trailing newline, whitespace, unicode or control characters', async () => {
    const key = server.merchant.keys.sk_test;
    for (const bad of [`${key}\n`, `${key} `, ` ${key}`, `${key}\u0000`, `${key}\u0007`, `${key}é`, `sk_test_é${key.slice(8)}`, `${key}\u200b`]) {
      const basic = await inject({ authorization: `Basic ${Buffer.from(`${bad}:`).toString('base64')}` });
      expect(basic.statusCode, JSON.stringify(bad)).toBe(401);
      expect(JSON.parse(basic.payload).error.type).toBe('authentication_error');
    }
    // Latin-1 bytes in a raw Bearer header reach the app and are refused there.
    const latin = await inject({ authorization: `Bearer ${key}\u00e9` });
    expect(latin.statusCode).toBe(401);
    // A control character or bare newline inside a raw header is refused by the HTTP parser: still the envelope.
    for (const suffix of ['\u0001', '\n']) {
      const res = await rawHttp(server.url, `GET /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}${suffix}\r\nConnection: close\r\n\r\n`);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error).toMatchObject({ type: 'invalid_request_error', code: 'request_malformed', param: null });
      expect(res.headers['request-id']).toMatch(/^req_/);
    }
  });

  it('refuses two Authorization headers (Node would silently keep the first)', async () => {
    const key = server.merchant.keys.sk_test;
    const res = await rawHttp(
      server.url,
      `GET /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nAuthorization: Bearer ${server.other.keys.sk_test}\r\nConnection: close\r\n\r\n`,
    );
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error).toMatchObject({ type: 'authentication_error', code: 'authentication_failed', message: 'Send exactly one Authorization header.' });
  });

  it('refuses the credential headers of other APIs: 400 next to a valid key, 401 alone; nothing written', async () => {
    const key = server.merchant.keys.sk_test;
    const before = await counts(server);
    for (const [header, value] of [['api-key', key], ['Stripe-Account', 'acct_1'], ['X-Connected-Merchant-Id', server.other.id]] as const) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await server.app.app.inject({
          method,
          url: '/v1/customers',
          headers: { authorization: basicAuth(key), [header]: value, 'idempotency-key': `foreign-${header}-${method}`, 'content-type': 'application/json' },
          ...(method === 'POST' ? { payload: '{"email":"x@example.com"}' } : {}),
        });
        expect(res.statusCode, `${method} ${header}`).toBe(400);
        expect(JSON.parse(res.payload).error).toMatchObject({ type: 'invalid_request_error', code: 'request_malformed', param: header });
      }
      const alone = await inject({ [header]: value });
      expect(alone.statusCode, header).toBe(401);
      expect(JSON.parse(alone.payload).error).toMatchObject({ type: 'authentication_error' });
    }
    expect(await counts(server)).toEqual(before);
  });

  it('writes nothing when authentication fails on a POST', async () => {
    const before = await counts(server);
    const res = await request(server, 'POST', '/v1/customers', { key: unknownKey, body: { name: 'nope' } });
    expectError(res, 401, 'authentication_failed', null);
    const noKey = await request(server, 'POST', '/v1/customers', { body: { name: 'nope' } });
    expectError(noKey, 401, 'authentication_failed', null);
    expect(await counts(server)).toEqual(before);
  });

  it('refuses publishable keys on secret endpoints with a message asking for a secret key', async () => {
    const before = await counts(server);
    for (const key of [server.merchant.keys.pk_test, server.merchant.keys.pk_live]) {
      const pk = client(server, key);
      for (const res of [
        await pk.get('/v1/customers'),
        await pk.post('/v1/customers', { name: 'x' }),
        await pk.get('/v1/events'),
        await pk.del('/v1/customers/cus_123'),
        await pk.get('/v1/test_helpers/clock'),
      ]) {
        const err = expectError(res, 401, 'secret_key_required', null);
        expect(err.type).toBe('authentication_error');
        expect(String(err.message)).toMatch(/secret key/i);
      }
    }
    expect(await counts(server)).toEqual(before);
  });

  it('stops accepting a revoked key within a couple of seconds, and an expired one, telling them what it tells a key that never existed', async () => {
    const m = await server.newMerchant('Revoked');
    const api = client(server, m.keys.sk_test);
    const never = client(server, `sk_test_${'N'.repeat(32)}`);
    expect(expectError(await never.get('/v1/customers'), 401, 'authentication_failed', null).message).toBe(UNKNOWN_KEY_MESSAGE);
    expect((await api.get('/v1/customers')).status).toBe(200); // now cached
    const nowS = Math.floor(clock.nowMs() / 1000);
    await server.store.db.updateTable('api_keys').set({ revoked_at: nowS }).where('secret_hash', '=', sha256Hex(m.keys.sk_test)).execute();
    clock.advance(2.5);
    const res = await api.get('/v1/customers');
    expect(expectError(res, 401, 'authentication_failed', null).message).toBe(UNKNOWN_KEY_MESSAGE);
    expectError(await api.post('/v1/customers', { name: 'x' }), 401, 'authentication_failed');
    // The merchant's other keys are unaffected.
    expect((await client(server, m.keys.sk_live).get('/v1/customers')).status).toBe(200);

    await server.store.db.updateTable('api_keys').set({ expires_at: nowS + 10 }).where('secret_hash', '=', sha256Hex(m.keys.sk_live)).execute();
    clock.advance(3);
    expect((await client(server, m.keys.sk_live).get('/v1/customers')).status).toBe(200); // not yet expired
    clock.advance(8);
    expect(expectError(await client(server, m.keys.sk_live).get('/v1/customers'), 401, 'authentication_failed').message).toBe(UNKNOWN_KEY_MESSAGE);
  });

  it('judges revocation on the merchant’s clock for the key’s mode (a test key after advance_clock)', async () => {
    const m = await server.newMerchant('Advanced');
    const api = client(server, m.keys.sk_test);
    expect((await api.post('/v1/test_helpers/advance_clock', { seconds: 86_400 })).status).toBe(200);
    const merchantNow = ((await api.get('/v1/test_helpers/clock')).body.now as number);
    await server.store.db.updateTable('api_keys').set({ revoked_at: merchantNow }).where('secret_hash', '=', sha256Hex(m.keys.sk_test)).execute();
    clock.advance(2.5);
    expect(expectError(await api.get('/v1/customers'), 401, 'authentication_failed').message).toBe(UNKNOWN_KEY_MESSAGE);
    // A revocation scheduled on the test clock's future is not yet in force.
    await server.store.db.updateTable('api_keys').set({ revoked_at: merchantNow + 3600 }).where('secret_hash', '=', sha256Hex(m.keys.sk_test)).execute();
    clock.advance(2.5);
    expect((await api.get('/v1/customers')).status).toBe(200);
  });
});
