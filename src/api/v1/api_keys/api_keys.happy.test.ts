import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';
import { advanceTestClock } from '../../../../test/webhooks-kit.js';

interface ApiKey {
  id: string;
  object: string;
  name: string | null;
  type: string;
  livemode: boolean;
  prefix: string;
  secret: string | null;
  created: number;
  revoked_at: number | null;
  expires_at: number | null;
}

describe.each(ENGINES)('API keys API (%s)', (engine) => {
  let server: TestServer;
  let admin: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    admin = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  it('creates a key shown once, lists and retrieves it by prefix only', async () => {
    const created = await admin.post<ApiKey>('/v1/api_keys', { name: 'Production Backend', type: 'secret' });
    expect(created.status).toBe(200);
    const key = created.body;
    expect(key).toMatchObject({ object: 'api_key', name: 'Production Backend', type: 'secret', livemode: false, revoked_at: null, expires_at: null });
    expect(key.id).toMatch(/^key_/);
    expect(key.secret).toMatch(/^sk_test_[A-Za-z0-9]{32}$/);
    expect(key.prefix).toBe(key.secret!.slice(0, 12));

    const works = await client(server, key.secret!).get('/v1/customers');
    expect(works.status).toBe(200);

    const got = await admin.get<ApiKey>(`/v1/api_keys/${key.id}`);
    const lastUsed = (got.body as unknown as { last_used_at: number | null }).last_used_at;
    expect(got.body).toEqual({ ...key, secret: undefined, last_used_at: lastUsed });
    expect(got.body).not.toHaveProperty('secret');
    expect(lastUsed === null || typeof lastUsed === 'number').toBe(true);
    const list = await admin.get<{ data: ApiKey[] }>('/v1/api_keys?limit=100');
    expect(list.body.data[0]!.id).toBe(key.id);
    expect(list.body.data.every((k) => !('secret' in k))).toBe(true);
    expect(list.text).not.toContain(key.secret!);
    expect(list.body.data.map((k) => k.type).sort()).toEqual(['publishable', 'secret', 'secret']);
    const secrets = await admin.get<{ data: ApiKey[] }>('/v1/api_keys?type=publishable');
    expect(secrets.body.data.map((k) => k.type)).toEqual(['publishable']);

    const pk = await admin.post<ApiKey>('/v1/api_keys', undefined, { form: 'type=publishable' });
    expect(pk.body.secret).toMatch(/^pk_test_/);
    expect(pk.body.name).toBeNull();

    const events = await admin.get<{ data: { type: string; data: { object: ApiKey } }[] }>('/v1/events?type=api_key.created');
    expect(events.body.data.map((e) => e.data.object.id)).toEqual([pk.body.id, key.id]);
    expect(events.body.data.every((e) => !('secret' in e.data.object))).toBe(true);
    expect(events.text).not.toContain(key.secret!);
  });

  it('revokes a key: it answers 401 on its very next request', async () => {
    const key = (await admin.post<ApiKey>('/v1/api_keys', { name: 'short-lived', type: 'secret' })).body;
    const api = client(server, key.secret!);
    expect((await api.get('/v1/customers')).status).toBe(200); // now cached by the resolver
    const revoked = await admin.post<ApiKey>(`/v1/api_keys/${key.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).not.toHaveProperty('secret');
    expect(revoked.body.revoked_at).toBeTypeOf('number');
    expectError(await api.get('/v1/customers'), 401, 'authentication_failed');
    expectError(await admin.post(`/v1/api_keys/${key.id}/revoke`), 400, 'api_key_revoked', 'id');
    expectError(await admin.post(`/v1/api_keys/${key.id}/roll`), 400, 'api_key_revoked', 'id');
    expect((await admin.get<{ data: { type: string }[] }>('/v1/events?type=api_key.revoked')).body.data).toHaveLength(1);
  });

  it('rolls a key: new key once, old one revoked at once', async () => {
    const key = (await admin.post<ApiKey>('/v1/api_keys', { name: 'rolling', type: 'secret' })).body;
    const old = client(server, key.secret!);
    expect((await old.get('/v1/customers')).status).toBe(200);
    const rolled = await admin.post<ApiKey>(`/v1/api_keys/${key.id}/roll`);
    expect(rolled.status).toBe(200);
    expect(rolled.body.id).not.toBe(key.id);
    expect(rolled.body).toMatchObject({ name: 'rolling', type: 'secret', revoked_at: null, expires_at: null });
    expect(rolled.body.secret).toMatch(/^sk_test_/);
    expectError(await old.get('/v1/customers'), 401, 'authentication_failed');
    expect((await client(server, rolled.body.secret!).get('/v1/customers')).status).toBe(200);
    expect((await admin.get<ApiKey>(`/v1/api_keys/${key.id}`)).body.revoked_at).toBeTypeOf('number');
    const types = (await admin.get<{ data: { type: string; data: { object: { id: string } } }[] }>('/v1/events?types[]=api_key.rolled&types[]=api_key.created&limit=2')).body.data;
    expect(types.map((e) => [e.type, e.data.object.id])).toEqual([
      ['api_key.rolled', key.id],
      ['api_key.created', rolled.body.id],
    ]);
  });

  it('rolls with a grace period: the old key keeps working until expires_at (test clock)', async () => {
    const key = (await admin.post<ApiKey>('/v1/api_keys', { name: 'graceful', type: 'secret' })).body;
    const old = client(server, key.secret!);
    const now = (await admin.get<{ now: number }>('/v1/test_helpers/clock')).body.now;
    const rolled = await admin.post<ApiKey>(`/v1/api_keys/${key.id}/roll`, { expires_in_hours: 2 });
    expect(rolled.status).toBe(200);
    const oldNow = await admin.get<ApiKey>(`/v1/api_keys/${key.id}`);
    expect(oldNow.body).toMatchObject({ revoked_at: null, expires_at: now + 7200 });
    expect((await old.get('/v1/customers')).status).toBe(200);
    await advanceTestClock(server, server.merchant.keys.sk_test, 7200);
    expectError(await old.get('/v1/customers'), 401, 'authentication_failed');
    expect((await client(server, rolled.body.secret!).get('/v1/customers')).status).toBe(200);
  });
});
