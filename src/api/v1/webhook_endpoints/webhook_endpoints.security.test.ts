import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, request, startTestServer, type TestServer } from '../../../../test/harness.js';

describe.each(ENGINES)('webhook endpoints API isolation (%s)', (engine) => {
  let server: TestServer;
  let endpoint: { id: string; secret: string };
  beforeAll(async () => {
    server = await startTestServer(engine);
    endpoint = (await client(server, server.merchant.keys.sk_test).post<{ id: string; secret: string }>('/v1/webhook_endpoints', {
      url: 'http://127.0.0.1:9/x',
      enabled_events: ['*'],
    })).body;
  });
  afterAll(() => server.close());

  it("answers 404 for another merchant's or the other mode's endpoint, on every operation", async () => {
    for (const key of [server.other.keys.sk_test, server.merchant.keys.sk_live]) {
      const api = client(server, key);
      expectError(await api.get(`/v1/webhook_endpoints/${endpoint.id}`), 404, 'resource_missing', 'id');
      expectError(await api.post(`/v1/webhook_endpoints/${endpoint.id}`, { description: 'x' }), 404, 'resource_missing', 'id');
      expectError(await api.post(`/v1/webhook_endpoints/${endpoint.id}/rotate_secret`), 404, 'resource_missing', 'id');
      // Test sends and delivery history are test mode only: a live key is refused before any lookup.
      const [status, code, param] = key.startsWith('sk_live_') ? ([400, 'test_mode_only', null] as const) : ([404, 'resource_missing', 'id'] as const);
      expectError(await api.post(`/v1/webhook_endpoints/${endpoint.id}/send_test_event`, { type: 'customer.created' }), status, code, param);
      expectError(await api.get(`/v1/webhook_endpoints/${endpoint.id}/delivery_attempts`), status, code, param);
      expectError(await api.del(`/v1/webhook_endpoints/${endpoint.id}`), 404, 'resource_missing', 'id');
      expect((await api.get<{ data: unknown[] }>('/v1/webhook_endpoints')).body.data).toEqual([]);
      expectError(await api.get(`/v1/webhook_endpoints?starting_after=${endpoint.id}`), 400, 'parameter_invalid', 'starting_after');
    }
  });

  it('needs a secret key', async () => {
    const pk = client(server, server.merchant.keys.pk_test);
    expectError(await pk.get('/v1/webhook_endpoints'), 401, 'secret_key_required');
    expectError(await pk.post('/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/y', enabled_events: ['*'] }), 401, 'secret_key_required');
    expectError(await request(server, 'GET', `/v1/webhook_endpoints/${endpoint.id}`), 401, 'authentication_failed');
  });

  it('replays a create with the same Idempotency-Key without making a second endpoint or secret', async () => {
    const api = client(server, server.merchant.keys.sk_test);
    const body = { url: 'http://127.0.0.1:9/idem', enabled_events: ['customer.created'] };
    const first = await api.post<{ id: string; secret: string }>('/v1/webhook_endpoints', body, { idempotencyKey: 'we-create-1' });
    const again = await api.post<{ id: string; secret: string }>('/v1/webhook_endpoints', body, { idempotencyKey: 'we-create-1' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    expectError(await api.post('/v1/webhook_endpoints', { ...body, url: 'http://127.0.0.1:9/other' }, { idempotencyKey: 'we-create-1' }), 422, 'idempotency_key_reused');
    const list = await api.get<{ data: { url: string }[] }>('/v1/webhook_endpoints?limit=100');
    expect(list.body.data.filter((e) => e.url === body.url)).toHaveLength(1);
  });
});
