import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, startTestServer, type TestServer } from '../../../../test/harness.js';

type Obj = Record<string, unknown>;

describe.each(ENGINES)('refunds happy path (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  const paid = async (amount = 10_000) =>
    (await api.post('/v1/payment_intents', { amount, currency: 'usd', payment_method: 'pm_card_visa', confirm: true })).body;

  it('refunds in full by default', async () => {
    const pi = await paid(2_500);
    const res = await api.post('/v1/refunds', { payment_intent: pi.id, reason: 'Customer changed their mind', metadata: { ticket: 'T-1' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'refund',
      amount: 2_500,
      currency: 'usd',
      payment_intent: pi.id,
      charge: pi.latest_charge,
      status: 'succeeded',
      reason: 'Customer changed their mind',
      metadata: { ticket: 'T-1' },
      livemode: false,
      failure_reason: null,
    });
    expect(res.body.id).toMatch(/^ref_/);
    const charge = (await api.get(`/v1/charges/${pi.latest_charge as string}`)).body;
    expect(charge).toMatchObject({ amount_refunded: 2_500, refunded: true, amount_captured: 2_500 });
    const pi2 = (await api.get(`/v1/payment_intents/${pi.id as string}`)).body;
    expect(pi2.status).toBe('succeeded');
    expect((pi2.charges as { data: Obj[] }).data[0]).toMatchObject({ amount_refunded: 2_500, refunded: true });
    const events = ((await api.get(`/v1/events?payment_intent=${pi.id as string}&limit=100`)).body.data as { type: string; data: { object: Obj } }[]).map(
      (e) => e.type,
    );
    expect(events.slice(0, 2)).toEqual(['charge.refunded', 'refund.created']);
  });

  it('refunds partially and repeatedly, up to the captured amount, through both paths', async () => {
    const pi = await paid(10_000);
    const id = pi.id as string;
    const a = await api.post(`/v1/payment_intents/${id}/refund`, { amount: 3_000 });
    expect(a.body).toMatchObject({ amount: 3_000, status: 'succeeded' });
    const b = await api.post('/v1/refunds', { charge: pi.latest_charge, amount: 2_000 });
    expect(b.body).toMatchObject({ amount: 2_000, payment_intent: id });
    let charge = (await api.get(`/v1/charges/${pi.latest_charge as string}`)).body;
    expect(charge).toMatchObject({ amount_refunded: 5_000, refunded: false });
    const rest = await api.post('/v1/refunds', { payment_intent: id });
    expect(rest.body).toMatchObject({ amount: 5_000 });
    charge = (await api.get(`/v1/charges/${pi.latest_charge as string}`)).body;
    expect(charge).toMatchObject({ amount_refunded: 10_000, refunded: true });

    const list = await api.get(`/v1/refunds?payment_intent=${id}`);
    expect(list.body).toMatchObject({ object: 'list', url: '/v1/refunds', has_more: false });
    expect((list.body.data as Obj[]).map((r) => r.amount)).toEqual([5_000, 2_000, 3_000]);
    const byCharge = await api.get(`/v1/refunds?charge=${pi.latest_charge as string}&limit=1`);
    expect(byCharge.body).toMatchObject({ has_more: true, next_cursor: rest.body.id });
  });

  it('retrieves and updates metadata (refund.updated)', async () => {
    const pi = await paid(1_000);
    const refund = (await api.post('/v1/refunds', { payment_intent: pi.id, metadata: { a: '1' } })).body;
    const got = await api.get(`/v1/refunds/${refund.id as string}`);
    expect(got.body).toEqual(refund);
    // The Stripe-shaped spelling of the id (re_…) names the same refund.
    expect((await api.get(`/v1/refunds/${(refund.id as string).replace(/^ref_/, 're_')}`)).body).toEqual(refund);
    const updated = await api.post(`/v1/refunds/${refund.id as string}`, { metadata: { a: '', b: '2' } });
    expect(updated.body).toEqual({ ...refund, metadata: { b: '2' } });
    const events = await api.get(`/v1/events?type=refund.updated&payment_intent=${pi.id as string}`);
    expect((events.body.data as { data: { object: Obj } }[])[0]?.data.object).toMatchObject({ id: refund.id, metadata: { b: '2' } });
  });

  it('answers a no-op update with the refund unchanged and no refund.updated; a change still records one', async () => {
    const pi = await paid(1_200);
    const refund = (await api.post('/v1/refunds', { payment_intent: pi.id, metadata: { a: '1' } })).body;
    const id = refund.id as string;
    const countUpdated = async () => {
      const res = await api.get(`/v1/events?type=refund.updated&payment_intent=${pi.id as string}&limit=100`);
      return (res.body.data as { data: { object: Obj } }[]).filter((e) => e.data.object.id === id).length;
    };
    for (const body of [{ metadata: { a: '1' } }, {}, { metadata: { a: '1', absent: '' } }]) {
      const res = await api.post(`/v1/refunds/${id}`, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(refund);
    }
    expect((await api.get(`/v1/refunds/${id}`)).body).toEqual(refund);
    expect(await countUpdated()).toBe(0);

    const changed = await api.post(`/v1/refunds/${id}`, { metadata: { a: '2' } });
    expect(changed.body).toEqual({ ...refund, metadata: { a: '2' } });
    expect(await countUpdated()).toBe(1);
  });
});
