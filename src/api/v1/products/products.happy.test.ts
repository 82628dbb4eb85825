import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, startTestServer, type TestServer } from '../../../../test/harness.js';

type Obj = Record<string, unknown>;
type List = { data: Obj[]; has_more: boolean; url: string; next_cursor: string | null };

describe.each(ENGINES)('products happy path (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  const eventsFor = async (id: string) => {
    const res = await api.get<List>('/v1/events?limit=100');
    return res.body.data.filter((e) => (e.data as { object: { id: string } }).object.id === id).map((e) => e.type);
  };

  it('creates a product with every field and the documented defaults', async () => {
    const res = await api.post('/v1/products', {
      name: 'Classic T-Shirt',
      description: 'Soft cotton',
      images: ['https://example.com/a.png'],
      marketing_features: [{ name: 'Organic' }],
      metadata: { sku: 'TS-1' },
      url: 'https://example.com/tshirt',
      statement_descriptor: 'RAILYARD TSHIRT',
      tax_code: 'txcd_99999999',
      unit_label: 'shirt',
      shippable: true,
      package_dimensions: { height: 1.5, length: 10, width: 8, weight: 6.25 },
    });
    expect(res.status).toBe(200);
    expect(res.body.id).toMatch(/^prod_/);
    expect(res.body).toEqual({
      id: res.body.id,
      object: 'product',
      active: true,
      created: res.body.created,
      default_price: null,
      description: 'Soft cotton',
      images: ['https://example.com/a.png'],
      livemode: false,
      marketing_features: [{ name: 'Organic' }],
      metadata: { sku: 'TS-1' },
      name: 'Classic T-Shirt',
      package_dimensions: { height: 1.5, length: 10, width: 8, weight: 6.25 },
      shippable: true,
      statement_descriptor: 'RAILYARD TSHIRT',
      tax_code: 'txcd_99999999',
      unit_label: 'shirt',
      updated: res.body.created,
      url: 'https://example.com/tshirt',
    });
    const minimal = await api.post('/v1/products', { name: 'Gold Plan' });
    expect(minimal.body).toMatchObject({
      active: true,
      default_price: null,
      description: null,
      images: [],
      marketing_features: [],
      metadata: {},
      package_dimensions: null,
      shippable: null,
      statement_descriptor: null,
      tax_code: null,
      unit_label: null,
      url: null,
    });
    expect(await eventsFor(res.body.id as string)).toEqual(['product.created']);
  });

  it('creates the default price with default_price_data in the same request, expandable on retrieve', async () => {
    const res = await api.post('/v1/products', {
      name: 'Pro',
      default_price_data: {
        currency: 'usd',
        unit_amount: 2000,
        recurring: { interval: 'month' },
        tax_behavior: 'exclusive',
      },
    });
    expect(res.status).toBe(200);
    const priceId = res.body.default_price as string;
    expect(priceId).toMatch(/^price_/);
    const price = await api.get(`/v1/prices/${priceId}`);
    expect(price.body).toMatchObject({
      product: res.body.id,
      currency: 'usd',
      unit_amount: 2000,
      unit_amount_decimal: '2000',
      type: 'recurring',
      recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
      tax_behavior: 'exclusive',
      active: true,
    });
    const expanded = await api.get(`/v1/products/${res.body.id as string}?expand[]=default_price`);
    expect(expanded.body.default_price).toEqual(price.body);
    const types = (await api.get<List>('/v1/events?limit=3')).body.data.map((e) => [
      e.type,
      (e.data as { object: { id: string } }).object.id,
    ]);
    expect(types.slice(0, 2)).toEqual([
      ['price.created', priceId],
      ['product.created', res.body.id],
    ]);

    // Form-encoded, the way the guides send it.
    const form = await api.post('/v1/products', undefined, {
      form: 'name=Mug&default_price_data[currency]=eur&default_price_data[unit_amount_decimal]=1250.5',
    });
    expect(form.status).toBe(200);
    const formPrice = await api.get(`/v1/prices/${form.body.default_price as string}`);
    expect(formPrice.body).toMatchObject({
      currency: 'eur',
      unit_amount: null,
      unit_amount_decimal: '1250.5',
      type: 'one_time',
    });
  });

  it('updates fields, unsets nullable ones with null or "", and sets default_price to one of its prices', async () => {
    const created = await api.post('/v1/products', {
      name: 'Hat',
      description: 'Warm',
      url: 'https://example.com/hat',
      unit_label: 'hat',
      images: ['https://example.com/hat.png'],
      package_dimensions: { height: 1, length: 2, width: 3, weight: 4 },
      shippable: true,
      metadata: { a: '1', b: '2' },
    });
    const id = created.body.id as string;
    expect((await api.post('/v1/test_helpers/advance_clock', { seconds: 5 })).status).toBe(200);
    const updated = await api.post(`/v1/products/${id}`, {
      name: 'Wool hat',
      description: null,
      url: '',
      unit_label: null,
      images: '',
      package_dimensions: null,
      shippable: null,
      active: false,
      metadata: { a: '', c: '3' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      name: 'Wool hat',
      description: null,
      url: null,
      unit_label: null,
      images: [],
      package_dimensions: null,
      shippable: null,
      active: false,
      metadata: { b: '2', c: '3' },
    });
    expect(updated.body.updated).toBe((created.body.updated as number) + 5);
    expect(updated.body.created).toBe(created.body.created);

    const p1 = await api.post('/v1/prices', { product: id, currency: 'usd', unit_amount: 1500 });
    const withDefault = await api.post(`/v1/products/${id}`, { default_price: p1.body.id });
    expect(withDefault.body.default_price).toBe(p1.body.id);
    const cleared = await api.post(`/v1/products/${id}`, undefined, { form: 'default_price=' });
    expect(cleared.body.default_price).toBeNull();
    // A form cannot send null: "" unsets shippable too.
    expect((await api.post(`/v1/products/${id}`, { shippable: false })).body.shippable).toBe(false);
    expect((await api.post(`/v1/products/${id}`, undefined, { form: 'shippable=' })).body.shippable).toBeNull();
    expect(await eventsFor(id)).toEqual(['product.updated', 'product.updated', 'product.updated', 'product.updated', 'product.updated', 'product.created']);
  });

  it('answers a no-op update with the product unchanged: no write, no `updated` bump, no product.updated', async () => {
    const countUpdated = async (id: string) => {
      const res = await api.get<List>('/v1/events?type=product.updated&limit=100');
      return res.body.data.filter((e) => (e.data as { object: { id: string } }).object.id === id).length;
    };
    const created = await api.post('/v1/products', { name: 'Mug', metadata: { sku: 'm1' } });
    const id = created.body.id as string;
    const price = await api.post('/v1/prices', { product: id, currency: 'usd', unit_amount: 900 });
    const withDefault = await api.post(`/v1/products/${id}`, { default_price: price.body.id });
    expect(await countUpdated(id)).toBe(1);
    expect((await api.post('/v1/test_helpers/advance_clock', { seconds: 5 })).status).toBe(200);

    for (const body of [
      { name: 'Mug', metadata: { sku: 'm1' } },
      {},
      { active: true },
      { metadata: { sku: 'm1', absent: '' } },
      { description: null, url: '', images: '', marketing_features: '', package_dimensions: null },
      { default_price: price.body.id },
    ]) {
      const res = await api.post(`/v1/products/${id}`, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(withDefault.body);
    }
    expect((await api.get(`/v1/products/${id}`)).body).toEqual(withDefault.body);
    expect(await countUpdated(id)).toBe(1);

    // Validation is unchanged: a no-op body with an invalid default_price is still refused.
    const other = await api.post('/v1/products', {
      name: 'Other',
      default_price_data: { currency: 'usd', unit_amount: 1 },
    });
    const refused = await api.post(`/v1/products/${id}`, { name: 'Mug', default_price: other.body.default_price });
    expect(refused.status).toBe(400);
    expect(await countUpdated(id)).toBe(1);

    const changed = await api.post(`/v1/products/${id}`, { name: 'Big mug' });
    expect(changed.body).toMatchObject({ name: 'Big mug', metadata: { sku: 'm1' } });
    expect(changed.body.updated).toBe((withDefault.body.updated as number) + 5);
    expect(await countUpdated(id)).toBe(2);
  });

  it('lists newest first with filters, cursors and expand[]=data.default_price', async () => {
    const fresh = await server.newMerchant('Lister');
    const lister = client(server, fresh.keys.sk_test);
    const a = await lister.post('/v1/products', { name: 'A', shippable: true, url: 'https://example.com/a' });
    const b = await lister.post('/v1/products', { name: 'B', active: false });
    const c = await lister.post('/v1/products', {
      name: 'C',
      default_price_data: { currency: 'usd', unit_amount: 100 },
    });
    const ids = (res: { body: List }) => res.body.data.map((p) => p.id);

    const all = await lister.get<List>('/v1/products');
    expect(ids(all)).toEqual([c.body.id, b.body.id, a.body.id]);
    expect(all.body).toMatchObject({ object: 'list', has_more: false, url: '/v1/products', next_cursor: null });

    expect(ids(await lister.get<List>('/v1/products?active=true'))).toEqual([c.body.id, a.body.id]);
    expect(ids(await lister.get<List>('/v1/products?active=false'))).toEqual([b.body.id]);
    expect(ids(await lister.get<List>('/v1/products?shippable=true'))).toEqual([a.body.id]);
    expect(ids(await lister.get<List>(`/v1/products?url=${encodeURIComponent('https://example.com/a')}`))).toEqual([
      a.body.id,
    ]);
    expect(
      ids(await lister.get<List>(`/v1/products?ids[]=${a.body.id as string}&ids[]=${c.body.id as string}`)),
    ).toEqual([c.body.id, a.body.id]);
    expect(ids(await lister.get<List>(`/v1/products?created[gte]=${a.body.created as number}`))).toHaveLength(3);

    const page1 = await lister.get<List>('/v1/products?limit=2');
    expect(page1.body).toMatchObject({ has_more: true, next_cursor: b.body.id });
    const page2 = await lister.get<List>(`/v1/products?limit=2&starting_after=${page1.body.next_cursor as string}`);
    expect(ids(page2)).toEqual([a.body.id]);

    const expanded = await lister.get<List>('/v1/products?expand[]=data.default_price&limit=1');
    expect(expanded.body.data[0]?.default_price).toMatchObject({
      object: 'price',
      id: c.body.default_price,
      unit_amount: 100,
    });
  });

  it('deletes a product without prices: product.deleted, then 404 and gone from lists', async () => {
    const created = await api.post('/v1/products', { name: 'Temporary' });
    const id = created.body.id as string;
    const deleted = await api.del(`/v1/products/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id, object: 'product', deleted: true });
    const gone = await api.get<{ error: Obj }>(`/v1/products/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing', param: 'id' });
    expect((await api.get<List>('/v1/products?limit=100')).body.data.map((p) => p.id)).not.toContain(id);
    const events = await api.get<List>('/v1/events?type=product.deleted');
    const event = events.body.data.find((e) => (e.data as { object: { id: string } }).object.id === id);
    expect((event?.data as { object: Obj }).object).toMatchObject({ id, object: 'product', name: 'Temporary' });
  });

  it('replays a product create for the same Idempotency-Key without creating twice', async () => {
    const body = { name: 'Once', default_price_data: { currency: 'usd', unit_amount: 500 } };
    const first = await api.post('/v1/products', body, { idempotencyKey: 'product-once' });
    const again = await api.post('/v1/products', body, { idempotencyKey: 'product-once' });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    const named = (await api.get<List>('/v1/products?limit=100')).body.data.filter((p) => p.name === 'Once');
    expect(named).toHaveLength(1);
    const prices = await api.get<List>(`/v1/prices?product=${first.body.id as string}`);
    expect(prices.body.data).toHaveLength(1);
  });
});
