import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, startTestServer, type TestServer } from '../harness.js';

describe.each(ENGINES)('API key last_used_at (%s)', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  it('is set when a key authenticates a request', async () => {
    const admin = client(server, server.merchant.keys.sk_test);
    const created = await admin.post('/v1/api_keys', { name: 'worker', type: 'secret' });
    expect(created.body.last_used_at).toBeNull();
    expect((await client(server, created.body.secret as string).get('/v1/customers')).status).toBe(200);
    let seen: unknown = null;
    for (let i = 0; i < 20 && seen === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
      seen = (await admin.get(`/v1/api_keys/${created.body.id as string}`)).body.last_used_at;
    }
    expect(typeof seen).toBe('number');
  });
});
