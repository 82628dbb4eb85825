import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

describe.each(ENGINES)('API keys API errors (%s)', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  it('names the bad parameter', async () => {
    const api = client(server, server.merchant.keys.sk_test);
    expectError(await api.post('/v1/api_keys', { name: 'x' }), 400, 'parameter_missing', 'type');
    expectError(await api.post('/v1/api_keys', { type: 'restricted' }), 400, 'parameter_invalid', 'type');
    expectError(await api.post('/v1/api_keys', { type: 'secret', name: 'x'.repeat(101) }), 400, 'parameter_invalid', 'name');
    expectError(await api.post('/v1/api_keys', { type: 'secret', livemode: true }), 400, 'parameter_unknown', 'livemode');
    const key = (await api.post<{ id: string }>('/v1/api_keys', { type: 'secret' })).body;
    expectError(await api.post(`/v1/api_keys/${key.id}/roll`, { expires_in_hours: 25 }), 400, 'parameter_invalid', 'expires_in_hours');
    expectError(await api.post(`/v1/api_keys/${key.id}/roll`, { expires_in_hours: 'soon' }), 400, 'parameter_invalid', 'expires_in_hours');
    expectError(await api.get('/v1/api_keys/key_missing'), 404, 'resource_missing', 'id');
    expectError(await api.post('/v1/api_keys/key_missing/revoke'), 404, 'resource_missing', 'id');
    expectError(await api.get('/v1/api_keys?starting_after=key_missing'), 400, 'parameter_invalid', 'starting_after');
  });

  it('refuses to revoke the last active secret key of a mode', async () => {
    const m = await server.newMerchant('Lonely');
    const api = client(server, m.keys.sk_live);
    const keys = (await api.get<{ data: { id: string; type: string }[] }>('/v1/api_keys')).body.data;
    const secret = keys.find((k) => k.type === 'secret')!;
    expectError(await api.post(`/v1/api_keys/${secret.id}/revoke`), 400, 'resource_in_use', 'id');
    expect((await api.get('/v1/api_keys')).status).toBe(200);
    // Revoking the publishable key is fine; so is revoking the old secret key once another exists.
    expect((await api.post(`/v1/api_keys/${keys.find((k) => k.type === 'publishable')!.id}/revoke`)).status).toBe(200);
    const fresh = (await api.post<{ secret: string }>('/v1/api_keys', { type: 'secret' })).body;
    expect((await api.post(`/v1/api_keys/${secret.id}/revoke`)).status).toBe(200);
    expectError(await api.get('/v1/api_keys'), 401, 'authentication_failed');
    expect((await client(server, fresh.secret).get('/v1/api_keys')).status).toBe(200);
  });
});
