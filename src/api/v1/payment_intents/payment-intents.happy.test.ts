import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

type Obj = Record<string, unknown>;

describe.each(ENGINES)('payment intents happy path (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  const eventsOf = async (pi: string) =>
    ((await api.get(`/v1/events?payment_intent=${pi}&limit=100`)).body.data as { type: string }[]).map((e) => e.type).reverse();

  it('follows the accept-a-payment guide: create, confirm with a test card, succeeded with a charge', async () => {
    const customer = (await api.post('/v1/customers', { email: 'ada@example.com' })).body.id as string;
    const created = await api.post('/v1/payment_intents', {
      amount: 4999,
      currency: 'usd',
      description: 'Acme Pro Plan — monthly',
      customer,
      metadata: { order_ref: 'ORD-1' },
    });
    expect(created.status).toBe(200);
    const pi = created.body;
    expect(pi).toMatchObject({
      object: 'payment_intent',
      amount: 4999,
      amount_received: 0,
      amount_capturable: 0,
      currency: 'usd',
      status: 'requires_payment_method',
      capture_method: 'automatic',
      confirmation_method: 'automatic',
      customer,
      payment_method: null,
      next_action: null,
      last_payment_error: null,
      latest_charge: null,
      canceled_at: null,
      cancellation_reason: null,
      merchant_id: server.merchant.id,
      livemode: false,
      metadata: { order_ref: 'ORD-1' },
      charges: { object: 'list', data: [], has_more: false, next_cursor: null, url: `/v1/charges?payment_intent=${pi.id as string}` },
    });
    expect(pi.id).toMatch(/^pi_/);
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id as string}_secret_[A-Za-z0-9]+$`));

    const confirmed = await api.post(`/v1/payment_intents/${pi.id as string}/confirm`, { payment_method: 'pm_card_visa' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'succeeded', amount_received: 4999, payment_method: 'pm_card_visa' });
    const charges = (confirmed.body.charges as { data: Obj[] }).data;
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({
      object: 'charge',
      amount: 4999,
      amount_captured: 4999,
      amount_refunded: 0,
      captured: true,
      paid: true,
      refunded: false,
      status: 'succeeded',
      customer,
      payment_intent: pi.id,
      payment_method: 'pm_card_visa',
      failure_code: null,
      payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034, funding: 'credit' } },
    });
    expect(confirmed.body.latest_charge).toBe(charges[0]?.id);

    const got = await api.get(`/v1/payment_intents/${pi.id as string}`);
    expect(got.body).toEqual(confirmed.body);
    const expanded = await api.get(`/v1/payment_intents/${pi.id as string}?expand[]=customer`);
    expect(expanded.body.customer).toMatchObject({ id: customer, object: 'customer', email: 'ada@example.com' });

    expect(await eventsOf(pi.id as string)).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);

    const charge = await api.get(`/v1/charges/${charges[0]?.id as string}`);
    expect(charge.body).toEqual(charges[0]);
    const listed = await api.get(`/v1/charges?payment_intent=${pi.id as string}`);
    expect(listed.body).toMatchObject({ object: 'list', url: '/v1/charges', has_more: false });
    expect((listed.body.data as Obj[]).map((c) => c.id)).toEqual([charges[0]?.id]);
  });

  it('creates with a payment method (requires_confirmation) and confirms with no body, as the testing guide does', async () => {
    const created = await api.post('/v1/payment_intents', { amount: 2000, currency: 'usd', payment_method: 'pm_card_visa' });
    expect(created.body.status).toBe('requires_confirmation');
    const confirmed = await api.post(`/v1/payment_intents/${created.body.id as string}/confirm`, undefined);
    expect(confirmed.body).toMatchObject({ status: 'succeeded', amount_received: 2000 });
  });

  it('confirms at creation with card details (payment_method_data), storing brand, last4 and fingerprint only', async () => {
    const res = await api.post('/v1/payment_intents', {
      amount: 1500,
      currency: 'eur',
      confirm: true,
      payment_method_data: { type: 'card', card: { number: '4242 4242 4242 4242', exp_month: 12, exp_year: 2030, cvc: '123' } },
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('succeeded');
    const pmId = res.body.payment_method as string;
    expect(pmId).toMatch(/^pm_/);
    const pm = await api.get(`/v1/payment_methods/${pmId}`);
    expect(pm.body).toMatchObject({
      id: pmId,
      object: 'payment_method',
      type: 'card',
      customer: null,
      card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030, funding: 'credit', country: 'US', checks: { cvc_check: 'pass' } },
    });
    expect(pm.body.card).toHaveProperty('fingerprint');
    expect(JSON.stringify(pm.body)).not.toContain('4242424242424242');

    // The same card gives the same fingerprint for this merchant.
    const again = await api.post('/v1/payment_methods', { type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2031 } });
    expect((again.body.card as Obj).fingerprint).toBe((pm.body.card as Obj).fingerprint);
    const visaTest = await api.get('/v1/payment_methods/pm_card_visa');
    expect((visaTest.body.card as Obj).fingerprint).toBe((pm.body.card as Obj).fingerprint);
  });

  it('accepts customer_id as an alias and form-encoded bodies', async () => {
    const customer = (await api.post('/v1/customers', {})).body.id as string;
    const res = await api.post('/v1/payment_intents', undefined, {
      form: `amount=700&currency=gbp&customer_id=${customer}&confirm=true&payment_method=pm_card_mastercard&metadata[k]=v`,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ customer, status: 'succeeded', currency: 'gbp', metadata: { k: 'v' } });
    const list = await api.get(`/v1/payment_intents?customer=${customer}`);
    expect((list.body.data as Obj[]).map((p) => p.id)).toEqual([res.body.id]);
    const expanded = await api.get(`/v1/payment_intents?customer=${customer}&expand[]=data.customer`);
    expect(((expanded.body.data as Obj[])[0]?.customer as Obj).id).toBe(customer);
  });

  it('lists whole rows: client_secret, next_action and last_payment_error as retrieve shows them', async () => {
    const customer = (await api.post('/v1/customers', {})).body.id as string;
    const declined = await api.post('/v1/payment_intents', { amount: 500, currency: 'usd', customer, payment_method: 'pm_card_declined', confirm: true });
    expect(declined.status).toBe(402);
    const challenged = await api.post('/v1/payment_intents', { amount: 600, currency: 'usd', customer, payment_method: 'pm_card_3ds_required', confirm: true, return_url: 'https://shop.example/back' });
    expect(challenged.body.status).toBe('requires_action');
    const list = await api.get(`/v1/payment_intents?customer=${customer}`);
    const rows = list.body.data as Obj[];
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.status)).toEqual(['requires_action', 'requires_payment_method']);
    for (const row of rows) {
      expect(row.client_secret).toMatch(/^pi_.+_secret_.+$/);
      expect(row).toEqual((await api.get(`/v1/payment_intents/${row.id as string}`)).body);
    }
    expect((rows[0]?.next_action as Obj).type).toBe('redirect_to_url');
    expect(rows[0]?.client_secret).toBe(challenged.body.client_secret);
    expect((rows[1]?.last_payment_error as Obj)).toMatchObject({ type: 'payment_error', code: 'card_declined', decline_code: 'generic_decline' });
  });

  it('takes capture_method automatic_async ([B]) and captures at once, as automatic does', async () => {
    const res = await api.post('/v1/payment_intents', { amount: 900, currency: 'usd', capture_method: 'automatic_async', payment_method: 'pm_card_visa', confirm: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ capture_method: 'automatic_async', status: 'succeeded', amount_received: 900, amount_capturable: 0 });
    const updated = await api.post('/v1/payment_intents', { amount: 900, currency: 'usd' });
    expect((await api.post(`/v1/payment_intents/${updated.body.id as string}`, { capture_method: 'automatic_async' })).body).toMatchObject({ capture_method: 'automatic_async' });
  });

  it('authorizes with manual capture, then captures part and releases the rest', async () => {
    const created = await api.post('/v1/payment_intents', {
      amount: 10_000,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ status: 'requires_capture', amount_capturable: 10_000, amount_received: 0 });
    const authorized = (created.body.charges as { data: Obj[] }).data[0];
    expect(authorized).toMatchObject({ captured: false, paid: true, amount_captured: 0, status: 'succeeded' });

    const captured = await api.post(`/v1/payment_intents/${id}/capture`, { amount_to_capture: 7_500 });
    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({ status: 'succeeded', amount_received: 7_500, amount_capturable: 0 });
    // The released remainder shows as refunded on the charge, as Fluveo's (and Stripe's) charges show it.
    expect((captured.body.charges as { data: Obj[] }).data[0]).toMatchObject({
      captured: true,
      amount_captured: 7_500,
      amount: 10_000,
      amount_refunded: 2_500,
      refunded: false,
    });
    expect(await eventsOf(id)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.amount_capturable_updated',
      'charge.captured',
      'charge.refunded',
      'payment_intent.succeeded',
    ]);
    const releasedEvent = (await api.get(`/v1/events?payment_intent=${id}&type=charge.refunded`)).body.data as { data: { object: Obj } }[];
    expect(releasedEvent[0]?.data.object).toMatchObject({ amount_captured: 7_500, amount_refunded: 2_500, refunded: false });

    // The released remainder cannot be refunded: only the captured 7,500 can, in parts.
    expectError(await api.post(`/v1/payment_intents/${id}/refund`, { amount: 7_501 }), 400, 'amount_too_large', 'amount');
    const part = await api.post(`/v1/payment_intents/${id}/refund`, { amount: 500 });
    expect(part.body).toMatchObject({ object: 'refund', amount: 500, status: 'succeeded' });
    const chargeId = (captured.body.charges as { data: Obj[] }).data[0]?.id as string;
    expect((await api.get(`/v1/charges/${chargeId}`)).body).toMatchObject({ amount_refunded: 3_000, refunded: false });
    const refund = await api.post(`/v1/payment_intents/${id}/refund`, {});
    expect(refund.body).toMatchObject({ object: 'refund', amount: 7_000, status: 'succeeded' });
    expect((await api.get(`/v1/charges/${chargeId}`)).body).toMatchObject({ amount_captured: 7_500, amount_refunded: 10_000, refunded: true });
    expectError(await api.post(`/v1/payment_intents/${id}/refund`, { amount: 1 }), 400, 'amount_too_large', 'amount');
  });

  it('captures the full amount by default, also through the `amount` alias', async () => {
    const a = await api.post('/v1/payment_intents', { amount: 5_000, currency: 'usd', capture_method: 'manual', payment_method: 'pm_card_visa', confirm: true });
    const full = await api.post(`/v1/payment_intents/${a.body.id as string}/capture`, {});
    expect(full.body).toMatchObject({ status: 'succeeded', amount_received: 5_000 });
    // Nothing released, so no charge.refunded.
    expect((await api.get(`/v1/events?payment_intent=${a.body.id as string}&type=charge.refunded`)).body.data).toEqual([]);
    const b = await api.post('/v1/payment_intents', { amount: 5_000, currency: 'usd', capture_method: 'manual', payment_method: 'pm_card_visa', confirm: true });
    const alias = await api.post(`/v1/payment_intents/${b.body.id as string}/capture`, { amount: 1_000, statement_descriptor_suffix: 'ORDER 12' });
    expect(alias.body).toMatchObject({ status: 'succeeded', amount_received: 1_000, statement_descriptor_suffix: 'ORDER 12' });
  });

  it('shows statement_descriptor_suffix and application_fee_amount, set at creation or by an update', async () => {
    const created = await api.post('/v1/payment_intents', { amount: 2_000, currency: 'usd', application_fee_amount: 150, statement_descriptor_suffix: 'CART' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ application_fee_amount: 150, statement_descriptor_suffix: 'CART' });
    const id = created.body.id as string;
    const plain = await api.post('/v1/payment_intents', { amount: 2_000, currency: 'usd' });
    expect(plain.body).toMatchObject({ application_fee_amount: null, statement_descriptor_suffix: null });
    expect((await api.post(`/v1/payment_intents/${id}`, { statement_descriptor_suffix: 'CART 2' })).body.statement_descriptor_suffix).toBe('CART 2');
    expect((await api.post(`/v1/payment_intents/${id}`, { statement_descriptor_suffix: '' })).body.statement_descriptor_suffix).toBeNull();
    const tooMuch = await api.post('/v1/payment_intents', { amount: 2_000, currency: 'usd', application_fee_amount: 2_001 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body).toMatchObject({ error: { code: 'parameter_invalid', param: 'application_fee_amount' } });
  });

  it('cancels from every non-terminal status, releasing a held authorization', async () => {
    const rpm = (await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd' })).body.id as string;
    const rc = (await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', payment_method: 'pm_card_visa' })).body.id as string;
    const ra = (await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', payment_method: 'pm_card_3ds_required', confirm: true })).body
      .id as string;
    const rcap = (await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual' }))
      .body.id as string;
    for (const [id, from] of [
      [rpm, 'requires_payment_method'],
      [rc, 'requires_confirmation'],
      [ra, 'requires_action'],
      [rcap, 'requires_capture'],
    ] as const) {
      expect((await api.get(`/v1/payment_intents/${id}`)).body.status).toBe(from);
      const canceled = await api.post(`/v1/payment_intents/${id}/cancel`, { cancellation_reason: 'requested_by_customer' });
      expect(canceled.status).toBe(200);
      expect(canceled.body).toMatchObject({
        status: 'canceled',
        cancellation_reason: 'requested_by_customer',
        canceled_at: expect.any(Number) as number,
        amount_capturable: 0,
        next_action: null,
      });
      expect((await eventsOf(id)).at(-1)).toBe('payment_intent.canceled');
    }
    // The released authorization's charge shows the whole amount refunded, with its event.
    const held = (await api.get(`/v1/payment_intents/${rcap}`)).body;
    expect((held.charges as { data: Obj[] }).data[0]).toMatchObject({ captured: false, amount_captured: 0, amount_refunded: 1_000, refunded: true });
    expect((await eventsOf(rcap)).slice(-2)).toEqual(['charge.refunded', 'payment_intent.canceled']);
    expectError(await api.post(`/v1/payment_intents/${rcap}/refund`, {}), 400, 'payment_intent_unexpected_state');
  });

  it('updates amount, metadata and payment method before payment; only annotations afterwards', async () => {
    const id = (await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', metadata: { a: '1' } })).body.id as string;
    const updated = await api.post(`/v1/payment_intents/${id}`, { amount: 2_500, metadata: { b: '2' }, description: 'New', payment_method: 'pm_card_visa' });
    expect(updated.body).toMatchObject({ amount: 2_500, metadata: { a: '1', b: '2' }, description: 'New', status: 'requires_confirmation', payment_method: 'pm_card_visa' });
    const done = await api.post(`/v1/payment_intents/${id}/confirm`, {});
    expect(done.body).toMatchObject({ status: 'succeeded', amount_received: 2_500 });
    const annotated = await api.post(`/v1/payment_intents/${id}`, { metadata: { shipped: 'yes' }, description: null });
    expect(annotated.body).toMatchObject({ status: 'succeeded', description: null, metadata: { a: '1', b: '2', shipped: 'yes' } });
  });

  it('declines, records the failed charge, then succeeds with another card', async () => {
    const id = (await api.post('/v1/payment_intents', { amount: 3_000, currency: 'usd', payment_method: 'pm_card_declined' })).body.id as string;
    const declined = await api.post(`/v1/payment_intents/${id}/confirm`, {});
    expect(declined.status).toBe(402);
    const err = (declined.body as { error: Obj }).error;
    expect(err).toMatchObject({
      type: 'payment_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
      message: 'Your card was declined.',
      param: null,
      doc_url: 'https://docs.leanrails.com/errors/decline-codes',
    });
    expect(err.payment_intent).toMatchObject({ id, status: 'requires_payment_method', payment_method: null });
    const pi = (await api.get(`/v1/payment_intents/${id}`)).body;
    expect(pi).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { type: 'payment_error', code: 'card_declined', decline_code: 'generic_decline', payment_method: 'pm_card_declined' },
    });
    const failed = (pi.charges as { data: Obj[] }).data[0];
    expect(failed).toMatchObject({ status: 'failed', paid: false, failure_code: 'card_declined', outcome: { reason: 'generic_decline', type: 'issuer_declined' } });
    expect(err.charge).toBe(failed?.id);

    const retried = await api.post(`/v1/payment_intents/${id}/confirm`, { payment_method: 'pm_card_visa' });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'succeeded', last_payment_error: null, amount_received: 3_000 });
    expect((retried.body.charges as { data: Obj[] }).data.map((c) => c.status)).toEqual(['succeeded', 'failed']);
    expect(await eventsOf(id)).toEqual([
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
  });

  it('lists newest first with pagination and created filters', async () => {
    const customer = (await api.post('/v1/customers', {})).body.id as string;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await api.post('/v1/payment_intents', { amount: 100 + i, currency: 'usd', customer })).body.id as string);
    const page1 = await api.get(`/v1/payment_intents?customer=${customer}&limit=2`);
    expect((page1.body.data as Obj[]).map((p) => p.id)).toEqual([ids[2], ids[1]]);
    expect(page1.body).toMatchObject({ has_more: true, next_cursor: ids[1] });
    const page2 = await api.get(`/v1/payment_intents?customer=${customer}&limit=2&starting_after=${ids[1] as string}`);
    expect((page2.body.data as Obj[]).map((p) => p.id)).toEqual([ids[0]]);
    const created = (await api.get(`/v1/payment_intents/${ids[0] as string}`)).body.created as number;
    const none = await api.get(`/v1/payment_intents?customer=${customer}&created[gt]=${created}`);
    expect(none.body.data).toEqual([]);
  });
});
