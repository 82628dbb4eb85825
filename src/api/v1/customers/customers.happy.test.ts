import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, startTestServer, type TestServer } from '../../../../test/harness.js';

describe.each(ENGINES)('customers happy path (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  it('creates, retrieves, updates, lists and deletes a customer with events', async () => {
    const created = await api.post('/v1/customers', { email: 'ada@example.com', name: 'Ada', metadata: { a: '1', b: '2' } });
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    expect(id).toMatch(/^cus_/);
    expect(created.body).toMatchObject({ object: 'customer', email: 'ada@example.com', livemode: false, metadata: { a: '1', b: '2' } });

    const got = await api.get(`/v1/customers/${id}`);
    expect(got.body).toEqual(created.body);

    const updated = await api.post(`/v1/customers/${id}`, { metadata: { a: '', c: '3' }, name: null });
    expect(updated.body).toMatchObject({ name: null, metadata: { b: '2', c: '3' } });

    const form = await api.post(`/v1/customers/${id}`, undefined, { form: 'metadata[d]=4&phone=%2B1555' });
    expect(form.body).toMatchObject({ phone: '+1555', metadata: { b: '2', c: '3', d: '4' } });

    const list = await api.get('/v1/customers?email=ada@example.com');
    expect(list.body).toMatchObject({ object: 'list', has_more: false, url: '/v1/customers', next_cursor: null });
    expect((list.body.data as { id: string }[]).map((c) => c.id)).toEqual([id]);

    const deleted = await api.del(`/v1/customers/${id}`);
    expect(deleted.body).toEqual({ id, object: 'customer', deleted: true });
    expect((await api.get(`/v1/customers/${id}`)).body).toEqual({ id, object: 'customer', deleted: true });
    expect((await api.post(`/v1/customers/${id}`, { name: 'x' })).status).toBe(404);
    expect(((await api.get('/v1/customers')).body.data as unknown[]).length).toBe(0);

    const events = await api.get('/v1/events?limit=10');
    const types = (events.body.data as { type: string; data: { object: { id: string } } }[]).map((e) => [e.type, e.data.object.id]);
    expect(types).toEqual([
      ['customer.deleted', id],
      ['customer.updated', id],
      ['customer.updated', id],
      ['customer.created', id],
    ]);
  });
});
