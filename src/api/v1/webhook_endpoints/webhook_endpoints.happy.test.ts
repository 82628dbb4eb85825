import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, startTestServer, type TestServer } from '../../../../test/harness.js';

interface Endpoint {
  id: string;
  secret: string;
  status: string;
  url: string;
  enabled_events: string[];
  description: string | null;
  metadata: Record<string, string>;
  api_version: string | null;
  livemode: boolean;
}

describe.each(ENGINES)('webhook endpoints API (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  it('creates, retrieves, lists, updates and deletes; the secret is whole only on create', async () => {
    const created = await api.post<Endpoint>('/v1/webhook_endpoints', {
      url: 'http://localhost:3000/webhooks',
      enabled_events: ['customer.created', 'customer.updated', 'customer.created'],
      description: 'Local dev',
      metadata: { team: 'payments' },
    });
    expect(created.status).toBe(200);
    const e = created.body;
    expect(e).toMatchObject({
      object: 'webhook_endpoint',
      url: 'http://localhost:3000/webhooks',
      enabled_events: ['customer.created', 'customer.updated'],
      status: 'enabled',
      description: 'Local dev',
      metadata: { team: 'payments' },
      api_version: null,
      livemode: false,
      merchant_id: server.merchant.id,
    });
    expect(e.id).toMatch(/^we_/);
    expect(e.secret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);

    const got = await api.get<Endpoint>(`/v1/webhook_endpoints/${e.id}`);
    expect(got.body.secret).toBe(`whsec_****${e.secret.slice(-4)}`);
    expect(got.text).not.toContain(e.secret);
    const list = await api.get<{ data: Endpoint[]; url: string }>('/v1/webhook_endpoints');
    expect(list.body.url).toBe('/v1/webhook_endpoints');
    expect(list.body.data.map((x) => x.id)).toContain(e.id);
    expect(list.text).not.toContain(e.secret);

    const form = await api.post<Endpoint>(`/v1/webhook_endpoints/${e.id}`, undefined, {
      form: 'enabled_events[]=*&status=disabled&description=&metadata[team]=&metadata[env]=dev&url=https%3A%2F%2F192.168.1.20%2Fx',
    });
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ enabled_events: ['*'], status: 'disabled', description: null, metadata: { env: 'dev' }, url: 'https://192.168.1.20/x' });
    expect((await api.post<Endpoint>(`/v1/webhook_endpoints/${e.id}`, { disabled: false })).body.status).toBe('enabled');
    expect((await api.post<Endpoint>(`/v1/webhook_endpoints/${e.id}`, { disabled: true })).body.status).toBe('disabled');

    const events = await api.get<{ data: { type: string; data: { object: { id: string; secret: string } } }[]; text: string }>(
      '/v1/events?types[]=webhook_endpoint.created&types[]=webhook_endpoint.updated&limit=100',
    );
    expect(events.body.data.map((x) => x.type)).toEqual(['webhook_endpoint.updated', 'webhook_endpoint.updated', 'webhook_endpoint.updated', 'webhook_endpoint.created']);
    expect(events.text).not.toContain(e.secret);

    const deleted = await api.del(`/v1/webhook_endpoints/${e.id}`);
    expect(deleted.body).toEqual({ id: e.id, object: 'webhook_endpoint', deleted: true });
    expect((await api.get(`/v1/webhook_endpoints/${e.id}`)).status).toBe(404);
    expect((await api.get<{ data: { type: string }[] }>('/v1/events?type=webhook_endpoint.deleted')).body.data).toHaveLength(1);
  });

  it('answers a no-op update with the endpoint unchanged and no webhook_endpoint.updated; a change records one', async () => {
    const own = client(server, (await server.newMerchant('No-op endpoints')).keys.sk_test);
    const countUpdated = async (id: string) => {
      const res = await own.get<{ data: { data: { object: { id: string } } }[] }>('/v1/events?type=webhook_endpoint.updated&limit=100');
      return res.body.data.filter((e) => e.data.object.id === id).length;
    };
    const created = await own.post<Endpoint>('/v1/webhook_endpoints', {
      url: 'http://localhost:3000/hooks',
      enabled_events: ['customer.created'],
      description: 'Same',
      metadata: { team: 'payments' },
    });
    const id = created.body.id;
    const current = (await own.get<Endpoint>(`/v1/webhook_endpoints/${id}`)).body;
    for (const body of [
      { url: 'http://localhost:3000/hooks', enabled_events: ['customer.created'], description: 'Same', metadata: { team: 'payments' } },
      {},
      { disabled: false },
      { status: 'enabled', metadata: { absent: '' } },
    ]) {
      const res = await own.post<Endpoint>(`/v1/webhook_endpoints/${id}`, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(current);
    }
    expect(await countUpdated(id)).toBe(0);

    const changed = await own.post<Endpoint>(`/v1/webhook_endpoints/${id}`, { description: 'Changed' });
    expect(changed.body.description).toBe('Changed');
    expect(await countUpdated(id)).toBe(1);
  });

  it('rotates the secret, showing the new one once', async () => {
    const e = (await api.post<Endpoint>('/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/x', enabled_events: ['*'], api_version: '2026-03-09' })).body;
    expect(e.api_version).toBe('2026-03-09');
    const rotated = await api.post<Endpoint & { previous_secret_expires_at: number | null }>(`/v1/webhook_endpoints/${e.id}/rotate_secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(e.secret);
    expect(rotated.body.previous_secret_expires_at).toBeNull();
    const clock = (await api.get<{ now: number }>('/v1/test_helpers/clock')).body.now;
    const overlap = await api.post<{ previous_secret_expires_at: number }>(`/v1/webhook_endpoints/${e.id}/rotate_secret`, { expires_in_hours: 24 });
    expect(overlap.body.previous_secret_expires_at).toBe(clock + 24 * 3600);
    expect((await api.get<Endpoint>(`/v1/webhook_endpoints/${e.id}`)).body.secret).toBe(`whsec_****${(overlap.body as unknown as Endpoint).secret.slice(-4)}`);
  });

  it('lists delivery attempts (none yet) and paginates endpoints newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await api.post<Endpoint>('/v1/webhook_endpoints', { url: `http://127.0.0.1:9/p${i}`, enabled_events: ['*'] })).body.id);
    const page1 = await api.get<{ data: Endpoint[]; has_more: boolean; next_cursor: string }>('/v1/webhook_endpoints?limit=2');
    expect(page1.body.data.map((x) => x.id)).toEqual([ids[2], ids[1]]);
    expect(page1.body.has_more).toBe(true);
    const page2 = await api.get<{ data: Endpoint[] }>(`/v1/webhook_endpoints?limit=2&starting_after=${page1.body.next_cursor}`);
    expect(page2.body.data[0]!.id).toBe(ids[0]);
    const attempts = await api.get<{ object: string; data: unknown[]; url: string }>(`/v1/webhook_endpoints/${ids[0]}/delivery_attempts`);
    expect(attempts.body).toMatchObject({ object: 'list', data: [], url: `/v1/webhook_endpoints/${ids[0]}/delivery_attempts` });
  });
});
