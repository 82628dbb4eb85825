import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, request, startTestServer, type TestServer } from '../harness.js';
import { basicAuth, capturingLogger, secondInstance } from './support.js';

/** Issue 2 §4: a Request-Id header on every response, request ids in the logs, never an API key in them. */
describe.each(ENGINES)('request ids and logs (%s)', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  it('sends a distinct Request-Id on every response, errors included', async () => {
    const api = client(server, server.merchant.keys.sk_test);
    const responses = await Promise.all([
      ...Array.from({ length: 20 }, () => api.get('/v1/customers')),
      api.post('/v1/customers', { name: 'r' }),
      api.post('/v1/customers', { bogus: 1 }),
      api.get('/v1/customers/cus_missing'),
      request(server, 'GET', '/v1/customers'),
      request(server, 'GET', '/v1/nope'),
      request(server, 'GET', '/healthz'),
      request(server, 'GET', '/openapi.json'),
    ]);
    const ids = responses.map((r) => r.headers.get('request-id'));
    for (const id of ids) expect(id).toMatch(/^req_[A-Za-z0-9]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('ignores a Request-Id sent by the client (ids are the server’s own)', async () => {
    const res = await client(server, server.merchant.keys.sk_test).get('/v1/customers', { headers: { 'request-id': 'req_forged', 'x-request-id': 'forged' } });
    expect(res.headers.get('request-id')).not.toBe('req_forged');
    expect(res.headers.get('request-id')).toMatch(/^req_/);
  });

  it('logs every request with its request_id and never logs an API key, even unredacted', async () => {
    const capture = capturingLogger('info');
    const instance = await secondInstance(server, { logger: capture.logger });
    try {
      const keys = Object.values(server.merchant.keys);
      const api = client(instance, server.merchant.keys.sk_test);
      const ok = await api.post('/v1/customers', { name: 'logged', email: 'log@example.com' });
      const bad = await request(instance, 'GET', '/v1/customers', { key: `${server.merchant.keys.sk_test}x` });
      const viaBasic = await instance.app.app.inject({ method: 'GET', url: '/v1/customers?limit=1', headers: { authorization: basicAuth(server.merchant.keys.sk_live) } });
      const pk = await client(instance, server.merchant.keys.pk_test).get('/v1/events');

      // A failing request is logged at error level, with the request id and the cause (for operators only).
      await server.store.db.schema.alterTable('events').renameTo('events_broken').execute();
      let failed;
      try {
        failed = await api.get('/v1/events');
      } finally {
        await server.store.db.schema.alterTable('events_broken').renameTo('events').execute();
      }
      expect(failed.status).toBe(500);

      const lines = capture.lines();
      for (const res of [ok, bad, pk, failed]) {
        const id = res.headers.get('request-id');
        const mine = lines.filter((l) => l.request_id === id);
        expect(mine.length, `log lines for ${id}`).toBeGreaterThanOrEqual(2);
      }
      expect(lines.filter((l) => l.request_id === viaBasic.headers['request-id']).length).toBeGreaterThanOrEqual(2);
      const errorLine = lines.find((l) => l.request_id === failed.headers.get('request-id') && l.level === 50);
      expect(errorLine?.msg).toBe('request failed');
      expect(JSON.stringify(errorLine?.err)).toMatch(/events/);

      const text = capture.raw();
      for (const key of keys) {
        expect(text).not.toContain(key);
        expect(text).not.toContain(key.slice(8)); // the secret part alone
        expect(text).not.toContain(Buffer.from(`${key}:`).toString('base64'));
      }
      expect(text.toLowerCase()).not.toContain('authorization');
    } finally {
      await instance.close();
    }
  });
});
