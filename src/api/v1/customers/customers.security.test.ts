import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, request, startTestServer, type TestServer } from '../../../../test/harness.js';
import { counts } from '../../../../test/protocol/support.js';

describe.each(ENGINES)('customers security (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let customer: Record<string, unknown>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
    customer = (await api.post('/v1/customers', { name: 'Protected', email: 'p@example.com', metadata: { tier: 'gold' } })).body;
  });
  afterAll(() => server.close());
  const id = () => customer.id as string;

  it('keeps another merchant and the other mode away: 404 on every operation, the customer untouched', async () => {
    const before = await counts(server);
    for (const key of [server.other.keys.sk_test, server.other.keys.sk_live, server.merchant.keys.sk_live]) {
      const intruder = client(server, key);
      expectError(await intruder.get(`/v1/customers/${id()}`), 404, 'resource_missing', 'id');
      expectError(await intruder.post(`/v1/customers/${id()}`, { email: 'attacker@example.com' }), 404, 'resource_missing', 'id');
      expectError(await intruder.del(`/v1/customers/${id()}`), 404, 'resource_missing', 'id');
      expect(((await intruder.get('/v1/customers?email=p%40example.com')).body.data as unknown[]).length).toBe(0);
    }
    expect(await counts(server)).toEqual(before);
    expect((await api.get(`/v1/customers/${id()}`)).body).toEqual(customer);
  });

  it('refuses publishable, unknown and missing keys on every customer endpoint', async () => {
    const before = await counts(server);
    const calls = [
      ['GET', '/v1/customers'],
      ['POST', '/v1/customers'],
      ['GET', `/v1/customers/${id()}`],
      ['POST', `/v1/customers/${id()}`],
      ['DELETE', `/v1/customers/${id()}`],
    ] as const;
    for (const [method, path] of calls) {
      const body = method === 'POST' ? { name: 'x' } : undefined;
      expectError(await request(server, method, path, { key: server.merchant.keys.pk_test, body }), 401, 'secret_key_required');
      expectError(await request(server, method, path, { key: `sk_test_${'Z'.repeat(32)}`, body }), 401, 'authentication_failed');
      expectError(await request(server, method, path, { body }), 401, 'authentication_failed');
    }
    expect(await counts(server)).toEqual(before);
  });

  it('refuses to reuse an Idempotency-Key across customers or operations', async () => {
    const k = `sec-${Date.now()}`;
    const first = await api.post(`/v1/customers/${id()}`, { metadata: { seen: '1' } }, { idempotencyKey: k });
    expect(first.status).toBe(200);
    const other = await api.post('/v1/customers', { name: 'Other' });
    const before = await counts(server);
    expectError(await api.post(`/v1/customers/${other.body.id as string}`, { metadata: { seen: '1' } }, { idempotencyKey: k }), 422, 'idempotency_key_reused');
    expectError(await api.post('/v1/customers', { metadata: { seen: '1' } }, { idempotencyKey: k }), 422, 'idempotency_key_reused');
    expect(await counts(server)).toEqual(before);
    // Another merchant using the same key string is a different key altogether.
    const foreign = await client(server, server.other.keys.sk_test).post(`/v1/customers/${id()}`, { metadata: { seen: '1' } }, { idempotencyKey: k });
    expectError(foreign, 404, 'resource_missing', 'id');
  });

  it('cannot be addressed through a path trick', async () => {
    for (const path of [`/v1/customers/${id()}%2F..%2F`, `/v1/customers/..%2F${id()}`, `/v1/customers/${id()}/`, `/v1/customers//${id()}`]) {
      const res = await client(server, server.other.keys.sk_test).get(path);
      expect([400, 404]).toContain(res.status);
      expect(res.text).not.toContain('p@example.com');
    }
  });
});
