import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

type Obj = Record<string, unknown>;
type List = { data: Obj[]; has_more: boolean; url: string; next_cursor: string | null };

describe.each(ENGINES)('prices happy path (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let productId: string;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
    productId = (await api.post('/v1/products', { name: 'Catalog' })).body.id as string;
  });
  afterAll(() => server.close());

  const eventTypesFor = async (id: string) => {
    const res = await api.get<List>('/v1/events?limit=100');
    return res.body.data.filter((e) => (e.data as { object: { id: string } }).object.id === id).map((e) => e.type);
  };

  it('creates a one-time per-unit price with the documented shape and a price.created event', async () => {
    const res = await api.post('/v1/prices', {
      product: productId,
      currency: 'usd',
      unit_amount: 1999,
      nickname: 'Standard',
      metadata: { k: 'v' },
    });
    expect(res.status).toBe(200);
    expect(res.body.id).toMatch(/^price_/);
    expect(res.body).toEqual({
      id: res.body.id,
      object: 'price',
      active: true,
      billing_scheme: 'per_unit',
      created: res.body.created,
      currency: 'usd',
      custom_unit_amount: null,
      livemode: false,
      lookup_key: null,
      metadata: { k: 'v' },
      nickname: 'Standard',
      product: productId,
      recurring: null,
      tax_behavior: 'unspecified',
      tiers: null,
      tiers_mode: null,
      transform_quantity: null,
      type: 'one_time',
      unit_amount: 1999,
      unit_amount_decimal: '1999',
    });
    expect(await eventTypesFor(res.body.id as string)).toEqual(['price.created']);
  });

  it('accepts free prices, zero-decimal and three-decimal currencies, the maximum amount and decimal amounts', async () => {
    const free = await api.post('/v1/prices', { product: productId, currency: 'usd', unit_amount: 0 });
    expect(free.body).toMatchObject({ unit_amount: 0, unit_amount_decimal: '0' });
    const yen = await api.post('/v1/prices', { product: productId, currency: 'jpy', unit_amount: 500 });
    expect(yen.body).toMatchObject({ currency: 'jpy', unit_amount: 500 });
    const dinar = await api.post('/v1/prices', { product: productId, currency: 'kwd', unit_amount: 1250 });
    expect(dinar.body).toMatchObject({ currency: 'kwd', unit_amount: 1250 });
    const max = await api.post('/v1/prices', { product: productId, currency: 'usd', unit_amount: 99_999_999 });
    expect(max.body.unit_amount).toBe(99_999_999);
    const maxDecimal = await api.post('/v1/prices', { product: productId, currency: 'usd', unit_amount_decimal: '99999999.000' });
    expect(maxDecimal.body).toMatchObject({ unit_amount: 99_999_999, unit_amount_decimal: '99999999' });
    const fine = await api.post('/v1/prices', {
      product: productId,
      currency: 'usd',
      unit_amount_decimal: '0012.345000',
    });
    expect(fine.body).toMatchObject({ unit_amount: null, unit_amount_decimal: '12.345' });
    const whole = await api.post('/v1/prices', undefined, {
      form: `product=${productId}&currency=usd&unit_amount_decimal=700.00`,
    });
    expect(whole.body).toMatchObject({ unit_amount: 700, unit_amount_decimal: '700' });
  });

  it('creates recurring prices; type follows recurring', async () => {
    const monthly = await api.post('/v1/prices', {
      product: productId,
      currency: 'usd',
      unit_amount: 1000,
      recurring: { interval: 'month' },
    });
    expect(monthly.body).toMatchObject({
      type: 'recurring',
      recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
    });
    const metered = await api.post('/v1/prices', undefined, {
      form: `product=${productId}&currency=eur&unit_amount=5&type=recurring&recurring[interval]=week&recurring[interval_count]=2&recurring[usage_type]=metered`,
    });
    expect(metered.status).toBe(200);
    expect(metered.body).toMatchObject({
      type: 'recurring',
      recurring: { interval: 'week', interval_count: 2, usage_type: 'metered' },
    });
    const longest = await api.post('/v1/prices', {
      product: productId,
      currency: 'usd',
      unit_amount: 1,
      recurring: { interval: 'month', interval_count: 12 },
    });
    expect(longest.body.recurring).toMatchObject({ interval_count: 12 });
  });

  it('creates tiered prices (graduated and volume), form-encoded and JSON', async () => {
    const graduated = await api.post('/v1/prices', undefined, {
      form: [
        `product=${productId}`,
        'currency=usd',
        'billing_scheme=tiered',
        'tiers_mode=graduated',
        'recurring[interval]=month',
        'tiers[0][up_to]=10',
        'tiers[0][unit_amount]=500',
        'tiers[1][up_to]=50',
        'tiers[1][unit_amount_decimal]=400.5',
        'tiers[1][flat_amount]=100',
        'tiers[2][up_to]=inf',
        'tiers[2][unit_amount]=300',
      ].join('&'),
    });
    expect(graduated.status).toBe(200);
    expect(graduated.body).toMatchObject({
      billing_scheme: 'tiered',
      tiers_mode: 'graduated',
      unit_amount: null,
      unit_amount_decimal: null,
      tiers: [
        { up_to: 10, unit_amount: 500, unit_amount_decimal: '500', flat_amount: null, flat_amount_decimal: null },
        { up_to: 50, unit_amount: null, unit_amount_decimal: '400.5', flat_amount: 100, flat_amount_decimal: '100' },
        { up_to: null, unit_amount: 300, unit_amount_decimal: '300', flat_amount: null, flat_amount_decimal: null },
      ],
    });
    const volume = await api.post('/v1/prices', {
      product: productId,
      currency: 'usd',
      billing_scheme: 'tiered',
      tiers_mode: 'volume',
      tiers: [{ up_to: 'inf', flat_amount: 2500 }],
    });
    expect(volume.body).toMatchObject({
      type: 'one_time',
      tiers_mode: 'volume',
      tiers: [{ up_to: null, flat_amount: 2500, unit_amount: null }],
    });
  });

  it('creates pay-what-you-want prices (custom_unit_amount) and transform_quantity prices', async () => {
    const custom = await api.post('/v1/prices', {
      product: productId,
      currency: 'usd',
      custom_unit_amount: { enabled: true, minimum: 500, maximum: 10_000, preset: 1_000 },
    });
    expect(custom.body).toMatchObject({
      unit_amount: null,
      unit_amount_decimal: null,
      custom_unit_amount: { enabled: true, minimum: 500, maximum: 10_000, preset: 1_000 },
    });
    const open = await api.post('/v1/prices', {
      product: productId,
      currency: 'usd',
      custom_unit_amount: { enabled: true },
    });
    expect(open.body.custom_unit_amount).toEqual({ enabled: true, minimum: null, maximum: null, preset: null });
    const packs = await api.post('/v1/prices', {
      product: productId,
      currency: 'usd',
      unit_amount: 1000,
      transform_quantity: { divide_by: 10, round: 'up' },
    });
    expect(packs.body.transform_quantity).toEqual({ divide_by: 10, round: 'up' });
  });

  it('creates a product along with the price from product_data', async () => {
    const res = await api.post('/v1/prices', {
      currency: 'usd',
      unit_amount: 1000,
      recurring: { interval: 'month' },
      product_data: { name: 'Gold Plan', metadata: { tier: 'gold' } },
    });
    expect(res.status).toBe(200);
    const product = await api.get(`/v1/products/${res.body.product as string}`);
    expect(product.body).toMatchObject({
      object: 'product',
      name: 'Gold Plan',
      active: true,
      metadata: { tier: 'gold' },
      default_price: null,
    });
    expect(await eventTypesFor(res.body.product as string)).toEqual(['product.created']);
  });

  it('moves a lookup key with transfer_lookup_key, in one request, with price.updated for the former holder', async () => {
    const first = await api.post('/v1/prices', {
      product: productId,
      currency: 'usd',
      unit_amount: 100,
      lookup_key: 'standard_monthly',
    });
    expect(first.body.lookup_key).toBe('standard_monthly');
    const second = await api.post('/v1/prices', {
      product: productId,
      currency: 'usd',
      unit_amount: 120,
      lookup_key: 'standard_monthly',
      transfer_lookup_key: true,
    });
    expect(second.status).toBe(200);
    expect(second.body.lookup_key).toBe('standard_monthly');
    const former = await api.get(`/v1/prices/${first.body.id as string}`);
    expect(former.body.lookup_key).toBeNull();
    expect(await eventTypesFor(first.body.id as string)).toEqual(['price.updated', 'price.created']);
    const found = await api.get<List>('/v1/prices?lookup_keys[]=standard_monthly');
    expect(found.body.data.map((p) => p.id)).toEqual([second.body.id]);

    // Update can take it back the same way.
    const back = await api.post(`/v1/prices/${first.body.id as string}`, {
      lookup_key: 'standard_monthly',
      transfer_lookup_key: true,
    });
    expect(back.body.lookup_key).toBe('standard_monthly');
    expect((await api.get(`/v1/prices/${second.body.id as string}`)).body.lookup_key).toBeNull();
  });

  it('updates active, metadata, nickname, lookup_key and tax_behavior; archived prices stay retrievable', async () => {
    const created = await api.post('/v1/prices', {
      product: productId,
      currency: 'usd',
      unit_amount: 300,
      nickname: 'n',
      lookup_key: 'to_clear',
      metadata: { a: '1', b: '2' },
    });
    const id = created.body.id as string;
    const updated = await api.post(`/v1/prices/${id}`, {
      active: false,
      metadata: { a: '', c: '3' },
      nickname: null,
      lookup_key: '',
      tax_behavior: 'inclusive',
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      active: false,
      metadata: { b: '2', c: '3' },
      nickname: null,
      lookup_key: null,
      tax_behavior: 'inclusive',
      unit_amount: 300,
    });
    const archived = await api.get(`/v1/prices/${id}`);
    expect(archived.body).toEqual(updated.body);
    const reactivated = await api.post(`/v1/prices/${id}`, undefined, { form: 'active=true&nickname=Back' });
    expect(reactivated.body).toMatchObject({ active: true, nickname: 'Back' });
    expect(await eventTypesFor(id)).toEqual(['price.updated', 'price.updated', 'price.created']);
    // The freed lookup key can be used again without a transfer.
    const reuse = await api.post('/v1/prices', {
      product: productId,
      currency: 'usd',
      unit_amount: 1,
      lookup_key: 'to_clear',
    });
    expect(reuse.status).toBe(200);
  });

  it('answers a no-op update with the price unchanged and no price.updated; real changes still record one', async () => {
    const countUpdated = async (id: string) => {
      const res = await api.get<List>('/v1/events?type=price.updated&limit=100');
      return res.body.data.filter((e) => (e.data as { object: { id: string } }).object.id === id).length;
    };
    const created = await api.post('/v1/prices', {
      product: productId,
      currency: 'usd',
      unit_amount: 700,
      nickname: 'Same',
      lookup_key: 'noop_key',
      tax_behavior: 'inclusive',
      metadata: { a: '1' },
    });
    const id = created.body.id as string;
    for (const body of [
      { nickname: 'Same' },
      {},
      { active: true },
      { metadata: { a: '1', absent: '' } },
      { tax_behavior: 'inclusive' },
      { lookup_key: 'noop_key', transfer_lookup_key: true },
    ]) {
      const res = await api.post(`/v1/prices/${id}`, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(created.body);
    }
    expect((await api.get(`/v1/prices/${id}`)).body).toEqual(created.body);
    expect(await countUpdated(id)).toBe(0);
    // Validation is unchanged: a fixed tax_behavior still cannot move.
    expectError(
      await api.post(`/v1/prices/${id}`, { nickname: 'Same', tax_behavior: 'exclusive' }),
      400,
      'parameter_invalid',
      'tax_behavior',
    );

    const changed = await api.post(`/v1/prices/${id}`, { nickname: 'Other' });
    expect(changed.body).toMatchObject({ nickname: 'Other', lookup_key: 'noop_key' });
    expect(await countUpdated(id)).toBe(1);

    // Taking another price's key still gives both prices exactly one price.updated.
    const holder = await api.post('/v1/prices', {
      product: productId,
      currency: 'usd',
      unit_amount: 800,
      lookup_key: 'held_key',
    });
    const taken = await api.post(`/v1/prices/${id}`, { lookup_key: 'held_key', transfer_lookup_key: true });
    expect(taken.body.lookup_key).toBe('held_key');
    expect(await countUpdated(id)).toBe(2);
    expect(await countUpdated(holder.body.id as string)).toBe(1);
    expect((await api.get(`/v1/prices/${holder.body.id as string}`)).body.lookup_key).toBeNull();
  });

  it('retrieves with expand[]=product and lists with every filter and expand[]=data.product', async () => {
    const fresh = await server.newMerchant('Price lister');
    const lister = client(server, fresh.keys.sk_test);
    const p1 = (await lister.post('/v1/products', { name: 'One' })).body.id as string;
    const p2 = (await lister.post('/v1/products', { name: 'Two' })).body.id as string;
    const a = await lister.post('/v1/prices', { product: p1, currency: 'usd', unit_amount: 100 });
    const b = await lister.post('/v1/prices', {
      product: p1,
      currency: 'eur',
      unit_amount: 200,
      recurring: { interval: 'year' },
      lookup_key: 'b_key',
    });
    const c = await lister.post('/v1/prices', {
      product: p2,
      currency: 'usd',
      unit_amount: 300,
      active: false,
      lookup_key: 'c_key',
    });
    const ids = (res: { body: List }) => res.body.data.map((p) => p.id);

    const retrieved = await lister.get(`/v1/prices/${a.body.id as string}?expand[]=product`);
    expect(retrieved.body.product).toMatchObject({ id: p1, object: 'product', name: 'One' });
    const alsoBare = await lister.get(`/v1/prices/${a.body.id as string}?expand=product`);
    expect(alsoBare.body.product).toMatchObject({ id: p1 });

    const all = await lister.get<List>('/v1/prices');
    expect(ids(all)).toEqual([c.body.id, b.body.id, a.body.id]);
    expect(all.body).toMatchObject({ object: 'list', url: '/v1/prices', has_more: false, next_cursor: null });
    expect(ids(await lister.get<List>('/v1/prices?active=true'))).toEqual([b.body.id, a.body.id]);
    expect(ids(await lister.get<List>('/v1/prices?active=false'))).toEqual([c.body.id]);
    expect(ids(await lister.get<List>(`/v1/prices?product=${p1}`))).toEqual([b.body.id, a.body.id]);
    expect(ids(await lister.get<List>('/v1/prices?type=recurring'))).toEqual([b.body.id]);
    expect(ids(await lister.get<List>('/v1/prices?type=one_time'))).toEqual([c.body.id, a.body.id]);
    expect(ids(await lister.get<List>('/v1/prices?currency=usd'))).toEqual([c.body.id, a.body.id]);
    expect(ids(await lister.get<List>('/v1/prices?lookup_keys[]=b_key&lookup_keys[]=c_key'))).toEqual([
      c.body.id,
      b.body.id,
    ]);
    expect(ids(await lister.get<List>('/v1/prices?lookup_keys=b_key'))).toEqual([b.body.id]);
    expect(ids(await lister.get<List>(`/v1/prices?created[lte]=${a.body.created as number}&product=${p2}`))).toEqual([
      c.body.id,
    ]);

    const expanded = await lister.get<List>('/v1/prices?expand[]=data.product');
    expect(expanded.body.data.map((p) => (p.product as Obj).name)).toEqual(['Two', 'One', 'One']);
    const page = await lister.get<List>('/v1/prices?limit=1&starting_after=' + (b.body.id as string));
    expect(ids(page)).toEqual([a.body.id]);
  });

  it('replays a price create for the same Idempotency-Key without a second price', async () => {
    const body = { product: productId, currency: 'usd', unit_amount: 4242, lookup_key: 'replayed_key' };
    const first = await api.post('/v1/prices', body, { idempotencyKey: 'price-once' });
    const again = await api.post('/v1/prices', body, { idempotencyKey: 'price-once' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    const found = await api.get<List>('/v1/prices?lookup_keys[]=replayed_key');
    expect(found.body.data).toHaveLength(1);
    expect(await eventTypesFor(first.body.id as string)).toEqual(['price.created']);
  });

  it('gives a contested lookup key to exactly one of two concurrent creates', async () => {
    const body = (amount: number) => ({
      product: productId,
      currency: 'usd',
      unit_amount: amount,
      lookup_key: 'contested',
    });
    const [r1, r2] = await Promise.all([api.post('/v1/prices', body(1)), api.post('/v1/prices', body(2))]);
    const statuses = [r1.status, r2.status].sort();
    expect(statuses).toEqual([200, 400]);
    expectError(r1.status === 400 ? r1 : r2, 400, 'parameter_invalid', 'lookup_key');
    expect((await api.get<List>('/v1/prices?lookup_keys[]=contested')).body.data).toHaveLength(1);
  });
});
