import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

describe.each(ENGINES)('API keys API isolation and limits (%s)', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine, { env: { RATE_LIMITS: 'on' } });
  });
  afterAll(() => server.close());

  it("never shows or touches another merchant's or the other mode's keys", async () => {
    const mine = client(server, server.merchant.keys.sk_test);
    const key = (await mine.post<{ id: string }>('/v1/api_keys', { type: 'secret' })).body;
    for (const k of [server.other.keys.sk_test, server.merchant.keys.sk_live]) {
      const api = client(server, k);
      expectError(await api.get(`/v1/api_keys/${key.id}`), 404, 'resource_missing', 'id');
      expectError(await api.post(`/v1/api_keys/${key.id}/revoke`), 404, 'resource_missing', 'id');
      expectError(await api.post(`/v1/api_keys/${key.id}/roll`), 404, 'resource_missing', 'id');
      const list = await api.get<{ data: { id: string; livemode: boolean }[] }>('/v1/api_keys');
      expect(list.body.data.map((x) => x.id)).not.toContain(key.id);
    }
    const liveList = await client(server, server.merchant.keys.sk_live).get<{ data: { livemode: boolean }[] }>('/v1/api_keys');
    expect(liveList.body.data.every((x) => x.livemode)).toBe(true);
    expectError(await client(server, server.merchant.keys.pk_test).get('/v1/api_keys'), 401, 'secret_key_required');
  });

  it('applies the sensitive rate limit: 10 requests a minute per merchant and mode', async () => {
    const m = await server.newMerchant('Rate limited');
    const api = client(server, m.keys.sk_test);
    for (let i = 0; i < 10; i++) {
      const res = await api.get('/v1/api_keys');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('10');
    }
    const limited = await api.get('/v1/api_keys');
    expectError(limited, 429, 'rate_limit_exceeded');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other endpoints keep their own budget.
    expect((await api.get('/v1/customers')).status).toBe(200);
  });
});
