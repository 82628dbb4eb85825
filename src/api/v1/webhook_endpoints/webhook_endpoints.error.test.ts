import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

describe.each(ENGINES)('webhook endpoints API errors (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let endpointId: string;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
    endpointId = (await api.post<{ id: string }>('/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/x', enabled_events: ['*'] })).body.id;
  });
  afterAll(() => server.close());

  it('names the bad parameter on create', async () => {
    const good = { url: 'https://hooks.example.com/x', enabled_events: ['customer.created'] };
    expectError(await api.post('/v1/webhook_endpoints', { enabled_events: ['*'] }), 400, 'parameter_missing', 'url');
    expectError(await api.post('/v1/webhook_endpoints', { url: good.url }), 400, 'parameter_missing', 'enabled_events');
    for (const url of ['/relative/path', 'ftp://example.com/x', 'not a url', 'https://user:pw@example.com/x', 'https://example.com/x#frag', '', 'javascript:alert(1)']) {
      expectError(await api.post('/v1/webhook_endpoints', { ...good, url }), 400, 'parameter_invalid', 'url');
    }
    expectError(await api.post('/v1/webhook_endpoints', { ...good, enabled_events: [] }), 400, 'parameter_invalid', 'enabled_events');
    expectError(await api.post('/v1/webhook_endpoints', { ...good, enabled_events: ['customer.created', 'customer.exploded'] }), 400, 'parameter_invalid', 'enabled_events[1]');
    expectError(await api.post('/v1/webhook_endpoints', { ...good, enabled_events: 'nope' }), 400, 'parameter_invalid', 'enabled_events');
    // One known type as a plain string is still the wrong type: the parameter is a list.
    const single = expectError(await api.post('/v1/webhook_endpoints', { ...good, enabled_events: 'customer.created' }), 400, 'parameter_invalid', 'enabled_events');
    expect(single.message).toMatch(/array|list/);
    expectError(await api.post('/v1/webhook_endpoints', { ...good, api_version: '2019-01-01' }), 400, 'parameter_invalid', 'api_version');
    expectError(await api.post('/v1/webhook_endpoints', { ...good, secret: 'whsec_mine' }), 400, 'parameter_unknown', 'secret');
    expectError(await api.post('/v1/webhook_endpoints', { ...good, metadata: { fluveo_x: '1' } }), 400, 'parameter_invalid', 'metadata[fluveo_x]');
    expect(((await api.get<{ data: unknown[] }>('/v1/webhook_endpoints')).body.data)).toHaveLength(1);
  });

  it('names the bad parameter on update, rotate, test event and attempts', async () => {
    expectError(await api.post(`/v1/webhook_endpoints/${endpointId}`, { status: 'paused' }), 400, 'parameter_invalid', 'status');
    expectError(await api.post(`/v1/webhook_endpoints/${endpointId}`, { status: 'enabled', disabled: true }), 400, 'parameter_invalid', 'disabled');
    expectError(await api.post(`/v1/webhook_endpoints/${endpointId}`, { enabled_events: [] }), 400, 'parameter_invalid', 'enabled_events');
    expectError(await api.post(`/v1/webhook_endpoints/${endpointId}`, { url: 'mailto:x@example.com' }), 400, 'parameter_invalid', 'url');
    expectError(await api.post(`/v1/webhook_endpoints/${endpointId}/rotate_secret`, { expires_in_hours: 25 }), 400, 'parameter_invalid', 'expires_in_hours');
    expectError(await api.post(`/v1/webhook_endpoints/${endpointId}/rotate_secret`, { expires_in_hours: -1 }), 400, 'parameter_invalid', 'expires_in_hours');
    expectError(await api.post(`/v1/webhook_endpoints/${endpointId}/send_test_event`, {}), 400, 'parameter_missing', 'type');
    expectError(await api.post(`/v1/webhook_endpoints/${endpointId}/send_test_event`, { type: '*' }), 400, 'parameter_invalid', 'type');
    // Like every other server-side POST, it needs an Idempotency-Key.
    expectError(await api.post(`/v1/webhook_endpoints/${endpointId}/send_test_event`, { type: 'customer.created' }, { idempotencyKey: null }), 400, 'parameter_missing', 'Idempotency-Key');
    expectError(await api.get(`/v1/webhook_endpoints/${endpointId}/delivery_attempts?limit=0`), 400, 'parameter_unknown', 'limit');
    expectError(await api.get(`/v1/webhook_endpoints/${endpointId}/delivery_attempts?event=cus_1`), 400, 'parameter_unknown', 'event');
    expectError(await api.get(`/v1/webhook_endpoints/we_missing/delivery_attempts`), 404, 'resource_missing', 'id');
    expectError(await api.post('/v1/webhook_endpoints/we_missing', { description: 'x' }), 404, 'resource_missing', 'id');
    expectError(await api.del('/v1/webhook_endpoints/we_missing'), 404, 'resource_missing', 'id');
  });

  it('caps the number of endpoints per mode', async () => {
    const other = await server.newMerchant('Many endpoints');
    const many = client(server, other.keys.sk_test);
    for (let i = 0; i < 50; i++) {
      expect((await many.post('/v1/webhook_endpoints', { url: `http://127.0.0.1:9/${i}`, enabled_events: ['*'] })).status).toBe(200);
    }
    expectError(await many.post('/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/51', enabled_events: ['*'] }), 400, 'resource_limit_reached');
  });
});
