import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, request, startTestServer, type TestServer } from '../harness.js';
import { counts, rawHttp } from './support.js';

const VERSION = '2026-03-09';

/** decisions.md §6: X-API-Version override and echo on every response; events record their api_version. */
describe.each(ENGINES)('API versions (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  it('echoes X-API-Version on every response: successes, errors, unknown URLs, unauthenticated calls', async () => {
    const created = await api.post('/v1/customers', { name: 'v' });
    const responses = [
      created,
      await api.get('/v1/customers'),
      await api.get(`/v1/customers/${created.body.id as string}`),
      await api.del(`/v1/customers/${created.body.id as string}`),
      await api.get('/v1/customers/cus_missing'),
      await api.post('/v1/customers', { bogus: true }),
      await api.get('/v1/nowhere'),
      await request(server, 'GET', '/v1/customers'),
      await client(server, server.merchant.keys.pk_test).get('/v1/customers'),
      await request(server, 'GET', '/healthz'),
    ];
    for (const res of responses) expect(res.headers.get('x-api-version'), `${res.status} ${res.text.slice(0, 80)}`).toBe(VERSION);
    const malformed = await rawHttp(server.url, 'GET /v1/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(malformed.headers['x-api-version']).toBe(VERSION);
  });

  it('accepts the supported version explicitly and echoes it', async () => {
    const res = await api.get('/v1/customers', { headers: { 'x-api-version': VERSION } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-api-version')).toBe(VERSION);
    const created = await api.post('/v1/customers', { name: 'pinned' }, { headers: { 'X-API-Version': VERSION } });
    expect(created.status).toBe(200);
  });

  it('refuses an unknown version with 400 parameter_invalid naming X-API-Version, writing nothing', async () => {
    const before = await counts(server);
    for (const v of ['2020-01-01', '2026-03-10', 'latest', '', '2026-3-9', '2026-03-09,2026-03-09']) {
      const res = await api.post('/v1/customers', { name: 'never' }, { headers: { 'x-api-version': v } });
      const err = expectError(res, 400, 'parameter_invalid', 'X-API-Version');
      expect(err.message).toContain(VERSION);
      expect(res.headers.get('x-api-version')).toBe(VERSION);
      expectError(await api.get('/v1/customers', { headers: { 'x-api-version': v } }), 400, 'parameter_invalid', 'X-API-Version');
    }
    expect(await counts(server)).toEqual(before);
  });

  it('records the api_version on events', async () => {
    await api.post('/v1/customers', { name: 'evented' }, { headers: { 'x-api-version': VERSION } });
    const events = await api.get('/v1/events?limit=100');
    const data = events.body.data as { api_version: string }[];
    expect(data.length).toBeGreaterThan(0);
    for (const e of data) expect(e.api_version).toBe(VERSION);
  });
});
