import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, startTestServer, type TestServer } from '../../../../test/harness.js';

type Obj = Record<string, unknown>;
type List = { data: Obj[]; has_more: boolean; url: string; next_cursor: string | null };

describe.each(ENGINES)('shipping rates happy path (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  const eventTypesFor = async (id: string) => {
    const res = await api.get<List>('/v1/events?limit=100');
    return res.body.data.filter((e) => (e.data as { object: { id: string } }).object.id === id).map((e) => e.type);
  };

  it('creates a fixed-amount rate with a delivery estimate, retrieves it, and records shipping_rate.created', async () => {
    const res = await api.post('/v1/shipping_rates', {
      display_name: 'Ground shipping',
      type: 'fixed_amount',
      fixed_amount: { amount: 500, currency: 'usd' },
      delivery_estimate: { minimum: { unit: 'business_day', value: 5 }, maximum: { unit: 'business_day', value: 7 } },
      tax_behavior: 'exclusive',
      tax_code: 'txcd_92010001',
      metadata: { carrier: 'ups' },
    });
    expect(res.status).toBe(200);
    expect(res.body.id).toMatch(/^shr_/);
    expect(res.body).toEqual({
      id: res.body.id,
      object: 'shipping_rate',
      active: true,
      created: res.body.created,
      delivery_estimate: { maximum: { unit: 'business_day', value: 7 }, minimum: { unit: 'business_day', value: 5 } },
      display_name: 'Ground shipping',
      fixed_amount: { amount: 500, currency: 'usd' },
      livemode: false,
      metadata: { carrier: 'ups' },
      tax_behavior: 'exclusive',
      tax_code: 'txcd_92010001',
      type: 'fixed_amount',
    });
    expect((await api.get(`/v1/shipping_rates/${res.body.id as string}`)).body).toEqual(res.body);
    expect(await eventTypesFor(res.body.id as string)).toEqual(['shipping_rate.created']);
  });

  it('accepts free shipping, form bodies and defaults', async () => {
    const free = await api.post('/v1/shipping_rates', undefined, {
      form: 'display_name=Free%20shipping&fixed_amount[amount]=0&fixed_amount[currency]=eur&delivery_estimate[maximum][unit]=week&delivery_estimate[maximum][value]=2',
    });
    expect(free.status).toBe(200);
    expect(free.body).toMatchObject({
      type: 'fixed_amount',
      fixed_amount: { amount: 0, currency: 'eur' },
      delivery_estimate: { minimum: null, maximum: { unit: 'week', value: 2 } },
      tax_behavior: 'unspecified',
      tax_code: null,
      metadata: {},
      active: true,
    });
    const bare = await api.post('/v1/shipping_rates', {
      display_name: 'Courier',
      fixed_amount: { amount: 99_999_999, currency: 'jpy' },
    });
    expect(bare.body).toMatchObject({ delivery_estimate: null, fixed_amount: { amount: 99_999_999, currency: 'jpy' } });
  });

  it('updates active, metadata and tax_behavior with shipping_rate.updated', async () => {
    const created = await api.post('/v1/shipping_rates', {
      display_name: 'Express',
      fixed_amount: { amount: 1500, currency: 'usd' },
      metadata: { a: '1', b: '2' },
    });
    const id = created.body.id as string;
    const updated = await api.post(`/v1/shipping_rates/${id}`, {
      active: false,
      metadata: { a: '', c: '3' },
      tax_behavior: 'inclusive',
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      active: false,
      metadata: { b: '2', c: '3' },
      tax_behavior: 'inclusive',
      fixed_amount: { amount: 1500, currency: 'usd' },
    });
    expect((await api.get(`/v1/shipping_rates/${id}`)).body).toEqual(updated.body);
    const form = await api.post(`/v1/shipping_rates/${id}`, undefined, { form: 'active=true' });
    expect(form.body.active).toBe(true);
    expect(await eventTypesFor(id)).toEqual([
      'shipping_rate.updated',
      'shipping_rate.updated',
      'shipping_rate.created',
    ]);
  });

  it('answers a no-op update with the rate unchanged and no shipping_rate.updated; a change still records one', async () => {
    const countUpdated = async (id: string) => {
      const res = await api.get<List>('/v1/events?type=shipping_rate.updated&limit=100');
      return res.body.data.filter((e) => (e.data as { object: { id: string } }).object.id === id).length;
    };
    const created = await api.post('/v1/shipping_rates', {
      display_name: 'Standard',
      fixed_amount: { amount: 400, currency: 'usd' },
      metadata: { carrier: 'ups' },
    });
    const id = created.body.id as string;
    for (const body of [
      { active: true, metadata: { carrier: 'ups' } },
      {},
      { metadata: { carrier: 'ups', absent: '' } },
      { tax_behavior: 'unspecified' },
    ]) {
      const res = await api.post(`/v1/shipping_rates/${id}`, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(created.body);
    }
    expect((await api.get(`/v1/shipping_rates/${id}`)).body).toEqual(created.body);
    expect(await countUpdated(id)).toBe(0);

    const changed = await api.post(`/v1/shipping_rates/${id}`, { active: false, metadata: { carrier: 'ups' } });
    expect(changed.body).toMatchObject({ active: false, metadata: { carrier: 'ups' } });
    expect(await countUpdated(id)).toBe(1);
  });

  it('lists newest first with active, currency and created filters', async () => {
    const fresh = await server.newMerchant('Shipper');
    const shipper = client(server, fresh.keys.sk_test);
    const a = await shipper.post('/v1/shipping_rates', {
      display_name: 'A',
      fixed_amount: { amount: 100, currency: 'usd' },
    });
    const b = await shipper.post('/v1/shipping_rates', {
      display_name: 'B',
      fixed_amount: { amount: 200, currency: 'eur' },
      active: false,
    });
    const c = await shipper.post('/v1/shipping_rates', {
      display_name: 'C',
      fixed_amount: { amount: 300, currency: 'usd' },
    });
    const ids = (res: { body: List }) => res.body.data.map((r) => r.id);
    const all = await shipper.get<List>('/v1/shipping_rates');
    expect(ids(all)).toEqual([c.body.id, b.body.id, a.body.id]);
    expect(all.body).toMatchObject({ object: 'list', url: '/v1/shipping_rates', has_more: false, next_cursor: null });
    expect(ids(await shipper.get<List>('/v1/shipping_rates?active=true'))).toEqual([c.body.id, a.body.id]);
    expect(ids(await shipper.get<List>('/v1/shipping_rates?active=false'))).toEqual([b.body.id]);
    expect(ids(await shipper.get<List>('/v1/shipping_rates?currency=usd'))).toEqual([c.body.id, a.body.id]);
    expect(
      ids(await shipper.get<List>(`/v1/shipping_rates?created[gte]=${a.body.created as number}&currency=eur`)),
    ).toEqual([b.body.id]);
    const page = await shipper.get<List>('/v1/shipping_rates?limit=2');
    expect(page.body).toMatchObject({ has_more: true, next_cursor: b.body.id });
    expect(ids(await shipper.get<List>(`/v1/shipping_rates?ending_before=${a.body.id as string}`))).toEqual([
      c.body.id,
      b.body.id,
    ]);
  });

  it('replays a create for the same Idempotency-Key', async () => {
    const body = { display_name: 'Once', fixed_amount: { amount: 1, currency: 'usd' } };
    const first = await api.post('/v1/shipping_rates', body, { idempotencyKey: 'shr-once' });
    const again = await api.post('/v1/shipping_rates', body, { idempotencyKey: 'shr-once' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    const named = (await api.get<List>('/v1/shipping_rates?limit=100')).body.data.filter(
      (r) => r.display_name === 'Once',
    );
    expect(named).toHaveLength(1);
  });
});
