import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

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

describe.each(ENGINES)('customers lifecycle details (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  const eventsFor = async (id: string) =>
    ((await api.get('/v1/events?limit=100')).body.data as { type: string; data: { object: Record<string, unknown> } }[]).filter(
      (e) => e.data.object.id === id,
    );

  it('searches name, email and id case-insensitively (search), within the caller\'s mode and merchant', async () => {
    const zed = (await api.post('/v1/customers', { name: 'Zebedee Quartermaine', email: 'zq@shop.example' })).body.id as string;
    const mail = (await api.post('/v1/customers', { name: 'Other', email: 'ZEBEDEE.fan@mail.example' })).body.id as string;
    await api.post('/v1/customers', { name: 'Plain', email: 'plain@x.example', metadata: { note: 'zebedee' } });
    const ids = async (q: string) => ((await api.get(`/v1/customers?search=${encodeURIComponent(q)}`)).body.data as { id: string }[]).map((c) => c.id);
    expect(await ids('zebedee')).toEqual([mail, zed]);
    expect(await ids('QUARTERMAINE')).toEqual([zed]);
    expect(await ids(zed.slice(-8).toLowerCase())).toEqual([zed]);
    expect(await ids('%')).toEqual([]);
    expect(await ids('zebedee_')).toEqual([]);
    const paged = await api.get('/v1/customers?search=zebedee&limit=1');
    expect(paged.body).toMatchObject({ has_more: true, url: '/v1/customers' });
    expect(((await client(server, server.other.keys.sk_test).get('/v1/customers?search=zebedee')).body.data as unknown[]).length).toBe(0);
    expectError(await api.get('/v1/customers?search='), 400, 'parameter_invalid', 'search');
  });

  it('folds accented capitals in search as in any other letter (ÉLAN, élan, Ünï)', async () => {
    const id = (await api.post('/v1/customers', { name: 'Ünïcode ÉLAN', email: 'accents@shop.example' })).body.id as string;
    for (const q of ['ÉLAN', 'élan', 'Ünï', 'üNÏCODE']) {
      expect(((await api.get(`/v1/customers?search=${encodeURIComponent(q)}`)).body.data as { id: string }[]).map((c) => c.id)).toEqual([id]);
    }
  });

  it('creates a customer with every documented field and the B shape defaults', async () => {
    const res = await api.post('/v1/customers', {
      email: 'grace@example.com',
      name: 'Grace Hopper',
      phone: '+1 555 0199',
      description: 'Rear admiral\nCOBOL',
      address: { line1: '1 Navy Way', line2: null, city: 'Arlington', state: 'VA', postal_code: '22202', country: 'us' },
      metadata: { team: 'compilers' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^cus_[0-9a-z]{10}[A-Za-z0-9]{14}$/) as unknown,
      object: 'customer',
      address: { line1: '1 Navy Way', line2: null, city: 'Arlington', state: 'VA', postal_code: '22202', country: 'US' },
      balance: 0,
      created: Math.floor(server.clock.nowMs() / 1000),
      currency: null,
      default_source: null,
      delinquent: false,
      description: 'Rear admiral\nCOBOL',
      email: 'grace@example.com',
      livemode: false,
      metadata: { team: 'compilers' },
      name: 'Grace Hopper',
      phone: '+1 555 0199',
      shipping: null,
    });
  });

  it('treats "" like null at creation: no empty strings are stored', async () => {
    const res = await api.post('/v1/customers', { email: '', name: '', phone: '', description: '', address: { line1: '', city: 'Paris' } });
    expect(res.body).toMatchObject({ email: null, name: null, phone: null, description: null });
    expect(res.body.address).toEqual({ line1: null, line2: null, city: 'Paris', state: null, postal_code: null, country: null });
    // An empty email is no email: the email filter never matches it.
    expect(((await api.get('/v1/customers?email=a%40b.co')).body.data as unknown[]).length).toBe(0);
  });

  it('merges address fields on update; "" or null unsets one field, address "" or null unsets all', async () => {
    const c = await api.post('/v1/customers', { address: { line1: '1 Rue', city: 'Lyon' } });
    const id = c.body.id as string;
    const merged = await api.post(`/v1/customers/${id}`, { address: { line2: 'Apt 4', country: 'fr' } });
    expect(merged.body.address).toEqual({ line1: '1 Rue', line2: 'Apt 4', city: 'Lyon', state: null, postal_code: null, country: 'FR' });
    const unsetOne = await api.post(`/v1/customers/${id}`, undefined, { form: 'address[line2]=&address[postal_code]=69001' });
    expect(unsetOne.body.address).toEqual({ line1: '1 Rue', line2: null, city: 'Lyon', state: null, postal_code: '69001', country: 'FR' });
    const unsetNull = await api.post(`/v1/customers/${id}`, { address: { city: null } });
    expect(unsetNull.body.address).toMatchObject({ city: null, line1: '1 Rue' });
    expect((await api.post(`/v1/customers/${id}`, undefined, { form: 'address=' })).body.address).toBeNull();
    const again = await api.post(`/v1/customers/${id}`, { address: { line1: 'New' } });
    expect(again.body.address).toEqual({ line1: 'New', line2: null, city: null, state: null, postal_code: null, country: null });
    expect((await api.post(`/v1/customers/${id}`, { address: null })).body.address).toBeNull();
  });

  it('unsets text fields with null (JSON) or "" (form) and keeps what is not mentioned', async () => {
    const c = await api.post('/v1/customers', { email: 'x@example.com', name: 'X', phone: '1', description: 'd' });
    const id = c.body.id as string;
    const json = await api.post(`/v1/customers/${id}`, { name: null, phone: '' });
    expect(json.body).toMatchObject({ email: 'x@example.com', name: null, phone: null, description: 'd' });
    const form = await api.post(`/v1/customers/${id}`, undefined, { form: 'email=&description=' });
    expect(form.body).toMatchObject({ email: null, name: null, phone: null, description: null });
    expect(((await api.get('/v1/customers?email=x%40example.com')).body.data as unknown[]).length).toBe(0);
  });

  it('records customer.updated only when something changed', async () => {
    const c = await api.post('/v1/customers', { name: 'Same', metadata: { a: '1' } });
    const id = c.body.id as string;
    const same = await api.post(`/v1/customers/${id}`, { name: 'Same', metadata: { a: '1', gone: '' } });
    expect(same.status).toBe(200);
    expect(same.body).toEqual(c.body);
    expect((await api.post(`/v1/customers/${id}`, {})).body).toEqual(c.body);
    expect((await eventsFor(id)).map((e) => e.type)).toEqual(['customer.created']);
    await api.post(`/v1/customers/${id}`, { name: 'Changed' });
    const events = await eventsFor(id);
    expect(events.map((e) => e.type)).toEqual(['customer.updated', 'customer.created']);
    expect(events[0]!.data.object).toMatchObject({ id, name: 'Changed' });
  });

  it('deletes into a tombstone: retrieve shows it, lists and filters skip it, writes answer 404, history stays', async () => {
    const c = await api.post('/v1/customers', { email: 'gone@example.com', name: 'Gone', metadata: { k: 'v' } });
    const id = c.body.id as string;
    const neighbour = await api.post('/v1/customers', { name: 'Neighbour' });
    const deleted = await api.del(`/v1/customers/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id, object: 'customer', deleted: true });
    expect((await api.get(`/v1/customers/${id}`)).body).toEqual({ id, object: 'customer', deleted: true });

    const list = (await api.get('/v1/customers?limit=100')).body.data as { id: string }[];
    expect(list.map((x) => x.id)).not.toContain(id);
    expect(((await api.get('/v1/customers?email=gone%40example.com')).body.data as unknown[]).length).toBe(0);
    // Its id still works as a cursor: paging around a deleted customer is stable.
    const after = await api.get(`/v1/customers?starting_after=${id}&limit=100`);
    expect(after.status).toBe(200);
    expect((after.body.data as { id: string }[]).map((x) => x.id)).not.toContain(neighbour.body.id);

    for (const res of [await api.del(`/v1/customers/${id}`), await api.post(`/v1/customers/${id}`, { name: 'Back' })]) {
      const err = (res.body as { error: Record<string, unknown> }).error;
      expect(res.status).toBe(404);
      expect(err).toMatchObject({ code: 'resource_missing', param: 'id' });
    }
    const events = await eventsFor(id);
    expect(events.map((e) => e.type)).toEqual(['customer.deleted', 'customer.created']);
    // The deletion event carries the customer as it was, personal data included; the stored row no longer does.
    expect(events[0]!.data.object).toMatchObject({ id, email: 'gone@example.com', name: 'Gone', metadata: { k: 'v' } });
    const row: { data: string; email: string | null; deleted: number } = await server.store.db
      .selectFrom('customers')
      .select(['data', 'email', 'deleted'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.email).toBeNull();
    expect(row.deleted).toBe(1);
    expect(row.data).not.toContain('gone@example.com');
  });

  it('loses no change under concurrent updates, and deletes exactly once under concurrent deletes', async () => {
    const c = await api.post('/v1/customers', { name: 'Contended' });
    const id = c.body.id as string;
    const updates = await Promise.all(Array.from({ length: 10 }, (_, i) => api.post(`/v1/customers/${id}`, { metadata: { [`k${i}`]: String(i) } })));
    expect(updates.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 200));
    const final = await api.get(`/v1/customers/${id}`);
    expect(final.body.metadata).toEqual(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, String(i)])));
    expect((await eventsFor(id)).filter((e) => e.type === 'customer.updated')).toHaveLength(10);

    const deletes = await Promise.all(Array.from({ length: 5 }, () => api.del(`/v1/customers/${id}`)));
    expect(deletes.filter((r) => r.status === 200)).toHaveLength(1);
    expect(deletes.filter((r) => r.status === 404)).toHaveLength(4);
    expect((await eventsFor(id)).filter((e) => e.type === 'customer.deleted')).toHaveLength(1);
  });

  it('lists live-mode customers apart from test-mode ones', async () => {
    const live = client(server, server.merchant.keys.sk_live);
    const created = await live.post('/v1/customers', { name: 'Live one' });
    expect(created.body.livemode).toBe(true);
    const ids = ((await live.get('/v1/customers')).body.data as { id: string; livemode: boolean }[]);
    expect(ids.map((c) => c.id)).toEqual([created.body.id]);
  });
});
