import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, expectError, type TestServer } from '../../../../test/harness.js';
import { parseCheckoutForm } from '../../../checkout/checkout-form.js';
import type { PageSession } from '../../../checkout/page-model.js';
import { confirm, embeddedSession, eventTypes, ok, type Api, type Catalog, type Obj, startCheckoutServer } from './checkout-fixtures.js';

const VIEW_FIELDS = [
  'object',
  'id',
  'status',
  'payment_status',
  'mode',
  'currency',
  'line_items',
  'amount_subtotal',
  'total_details',
  'amount_total',
  'shipping_options',
  'customer_email',
  'phone_number_collection',
  'billing_address_collection',
  'shipping_address_collection',
  'livemode',
  'expires_at',
].sort();

const ADDRESS = { line1: '1 Main St', city: 'Springfield', state: 'IL', postal_code: '62701', country: 'US' };

/** What the hosted page's form says of a name and a phone (the field's message, or undefined when it takes it). */
function pageVerdict(name: string, phone: string): { name?: string | undefined; phone?: string | undefined } {
  const session: PageSession = {
    id: 'cs_x', livemode: false, currency: 'usd', lines: [], amountSubtotal: 0, amountDiscount: 0, amountShipping: 0, amountTax: 0, amountTotal: 0,
    shippingOptions: [], selectedShippingRate: null, email: null, emailLocked: false, phoneNumberCollection: true, billingAddressCollection: 'auto',
    allowedCountries: null, cancelUrl: null, expiresAt: 0, paymentRequired: false,
  };
  const form = { email: 'buyer@example.com', name, phone, billing_address: { country: 'US', postal_code: '94107' } };
  const r = parseCheckoutForm(form, session, Math.floor(Date.now() / 1000));
  return r.ok ? {} : { name: r.errors.fields.name, phone: r.errors.fields.phone };
}

/** Answers the test processor's 3-D Secure page the way its buttons do. */
async function authenticate(server: TestServer, url: string, result: 'complete' | 'fail') {
  const path = new URL(url).pathname;
  const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `result=${result}`, redirect: 'manual' });
  return res.status;
}

describe.each(ENGINES)('client-side checkout API (%s)', (engine) => {
  let server: TestServer;
  let api: Api;
  let pk: Api;
  let cat: Catalog;
  beforeAll(async () => {
    ({ server, api, pk, cat } = await startCheckoutServer(engine));
  });
  afterAll(() => server.close());

  it('shows the public view with exactly the documented fields, under both paths, with a publishable or secret key', async () => {
    const priced = await ok(api.post('/v1/prices', { product: cat.product, currency: 'usd', unit_amount: 1000, metadata: { cost: 'secret' }, nickname: 'internal margin', lookup_key: 'internal_tee' }));
    const s = await embeddedSession(api, cat, {
      line_items: [{ price: priced.id, quantity: 2 }],
      metadata: { internal: 'x' },
      customer_email: 'pre@example.com',
      shipping_options: [{ shipping_rate: cat.standard }],
      shipping_address_collection: { allowed_countries: ['US'] },
    });
    for (const base of ['/v1/checkout/sessions', '/v1/checkout_sessions']) {
      for (const key of [pk, api]) {
        const view = await ok(key.get(`${base}/${s.id as string}/client?client_secret=${s.client_secret as string}`));
        expect(Object.keys(view).sort()).toEqual(VIEW_FIELDS);
        expect(view).toMatchObject({
          object: 'checkout.session.client',
          id: s.id,
          status: 'open',
          payment_status: 'unpaid',
          mode: 'payment',
          currency: 'usd',
          amount_subtotal: 2000,
          amount_total: 2500,
          total_details: { amount_discount: 0, amount_shipping: 500, amount_tax: 0 },
          shipping_options: [{ shipping_rate: cat.standard, shipping_amount: 500 }],
          customer_email: 'pre@example.com',
          phone_number_collection: false,
          billing_address_collection: 'auto',
          shipping_address_collection: { allowed_countries: ['US'] },
          livemode: false,
          expires_at: s.expires_at,
        });
        const [line] = view.line_items as Obj[];
        // The price by id, as in the line-items list: none of its merchant-only fields (metadata, nickname) travel.
        expect(line).toMatchObject({ object: 'item', quantity: 2, amount_total: 2000, description: 'Tee', price: priced.id });
        expect(JSON.stringify(view)).not.toContain('secret');
        expect(JSON.stringify(view)).not.toContain('internal');
      }
    }
  });

  it("shows the Customer's email as customer_email when the merchant fixed the buyer with customer", async () => {
    const customer = await ok(api.post('/v1/customers', { email: 'jenny@example.com', name: 'Jenny' }));
    const s = await embeddedSession(api, cat, { customer: customer.id });
    const url = `/v1/checkout/sessions/${s.id as string}/client?client_secret=${s.client_secret as string}`;
    expect((await ok(pk.get(url))).customer_email).toBe('jenny@example.com');
    const view = await ok(confirm(pk, s, { email: 'jenny@example.com', payment_method: 'pm_card_visa', name: 'Jenny', billing_address: ADDRESS }));
    expect(view).toMatchObject({ status: 'complete', customer_email: 'jenny@example.com' });
  });

  it('pm_card_visa completes the session: paid, details recorded, intent succeeded', async () => {
    const s = await embeddedSession(api, cat);
    const view = await ok(confirm(pk, s, { payment_method: 'pm_card_visa', name: 'Ada Lovelace', phone: '+15550100', billing_address: ADDRESS }));
    expect(view).toMatchObject({ object: 'checkout.session.client', status: 'complete', payment_status: 'paid' });
    expect(view).not.toHaveProperty('next_action');
    const done = await ok(api.get(`/v1/checkout/sessions/${s.id as string}`));
    expect(done).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
      customer: null,
      customer_details: { email: 'buyer@example.com', name: 'Ada Lovelace', phone: '+15550100', address: { ...ADDRESS, line2: null } },
    });
    expect(await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).toMatchObject({ status: 'succeeded', amount_received: 2000 });
    expectError(await confirm(pk, s, { payment_method: 'pm_card_visa' }), 400, 'checkout_session_not_open');
  });

  it('a session whose customer was deleted since cannot be paid: 404 naming customer, nothing charged', async () => {
    const customer = (await ok(api.post('/v1/customers', { email: 'gone@example.com' }))).id as string;
    const s = await embeddedSession(api, cat, { customer });
    await ok(api.del(`/v1/customers/${customer}`));
    expectError(await confirm(pk, s, { payment_method: 'pm_card_visa', email: 'gone@example.com' }), 404, 'resource_missing', 'customer');
    expect(await ok(api.get(`/v1/checkout/sessions/${s.id as string}`))).toMatchObject({ status: 'open', payment_status: 'unpaid' });
    expect((await ok(api.get<{ data: unknown[] }>(`/v1/charges?payment_intent=${s.payment_intent as string}`))).data).toEqual([]);
  });

  it('a decline answers 402 and leaves the session open and payable; a retry with a good card completes it', async () => {
    const s = await embeddedSession(api, cat);
    for (const [pm, code] of [
      ['pm_card_declined', 'generic_decline'],
      ['pm_card_insufficient_funds', 'insufficient_funds'],
      ['pm_card_expired', 'expired_card'],
    ] as const) {
      const res = await confirm(pk, s, { payment_method: pm });
      const err = expectError(res, 402, 'card_declined');
      expect(err).toMatchObject({ type: 'payment_error', decline_code: code });
      expect(err).not.toHaveProperty('payment_intent');
      expect((await ok(api.get(`/v1/checkout/sessions/${s.id as string}`))).status).toBe('open');
      expect((await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).status).toBe('requires_payment_method');
    }
    const view = await ok(confirm(pk, s, { payment_method: 'pm_card_visa' }));
    expect(view).toMatchObject({ status: 'complete', payment_status: 'paid' });
    const charges = await ok(api.get<{ data: Obj[] }>(`/v1/charges?payment_intent=${s.payment_intent as string}`));
    expect(charges.data.map((c) => c.status).sort()).toEqual(['failed', 'failed', 'failed', 'succeeded']);
  });

  it('card details: 4242… completes, 4000 0000 0000 0002 is declined', async () => {
    const s = await embeddedSession(api, cat);
    const card = (number: string) => ({ payment_method_data: { type: 'card', card: { number, exp_month: 12, exp_year: 2034, cvc: '123' } } });
    expectError(await confirm(pk, s, card('4000000000000002')), 402, 'card_declined');
    expect(await ok(confirm(pk, s, card('4242424242424242')))).toMatchObject({ status: 'complete' });
    const pi = await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`));
    const pm = await ok(api.get(`/v1/payment_methods/${pi.payment_method as string}`));
    expect(pm).toMatchObject({ card: { last4: '4242', exp_month: 12, exp_year: 2034 } });
    expect(JSON.stringify([pi, pm])).not.toContain('4242424242424242');
  });

  it('3-D Secure: the view carries next_action; completing the authentication page completes the session', async () => {
    const s = await embeddedSession(api, cat);
    const view = await ok(confirm(pk, s, { payment_method: 'pm_card_3ds_required', return_url: 'https://shop.example/back' }));
    expect(view.status).toBe('open');
    const next = view.next_action as { type: string; redirect_to_url: { url: string; return_url: string } };
    expect(next.type).toBe('redirect_to_url');
    expect(next.redirect_to_url.return_url).toBe('https://shop.example/back');
    expect(next.redirect_to_url.url).toMatch(/\/authenticate\/[A-Za-z0-9]+$/);
    const again = await ok(pk.get(`/v1/checkout/sessions/${s.id as string}/client?client_secret=${s.client_secret as string}`));
    expect(again.next_action).toEqual(next);

    expect(await authenticate(server, next.redirect_to_url.url, 'complete')).toBe(303);
    const done = await ok(api.get(`/v1/checkout/sessions/${s.id as string}`));
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid', customer_details: { email: 'buyer@example.com' } });
    const after = await ok(pk.get(`/v1/checkout/sessions/${s.id as string}/client?client_secret=${s.client_secret as string}`));
    expect(after.status).toBe('complete');
    expect(after).not.toHaveProperty('next_action');
    expect(await eventTypes(api, `payment_intent=${s.payment_intent as string}&limit=100`)).toEqual([
      'payment_intent.created',
      'payment_intent.requires_action',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
  });

  it('3-D Secure failed: the session stays open; paying again completes it', async () => {
    const s = await embeddedSession(api, cat);
    const view = await ok(confirm(pk, s, { payment_method: 'pm_card_3ds_required' }));
    const url = (view.next_action as { redirect_to_url: { url: string } }).redirect_to_url.url;
    expect(await authenticate(server, url, 'fail')).toBe(200);
    expect((await ok(api.get(`/v1/checkout/sessions/${s.id as string}`))).status).toBe('open');
    expect((await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).status).toBe('requires_payment_method');
    expect(await ok(confirm(pk, s, { payment_method: 'pm_card_visa' }))).toMatchObject({ status: 'complete' });
  });

  it('manual capture completes the session with the amount held', async () => {
    const s = await embeddedSession(api, cat, { payment_intent_data: { capture_method: 'manual' } });
    expect(await ok(confirm(pk, s, { payment_method: 'pm_card_visa' }))).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).toMatchObject({ status: 'requires_capture', amount_capturable: 2000 });
    await ok(api.post(`/v1/payment_intents/${s.payment_intent as string}/capture`, {}));
    expect((await ok(api.get(`/v1/checkout/sessions/${s.id as string}`))).status).toBe('complete');

    // The hold of a completed session is the merchant's to release: canceling its intent is no longer refused.
    const held = await embeddedSession(api, cat, { payment_intent_data: { capture_method: 'manual' } });
    const pi = held.payment_intent as string;
    expectError(await api.post(`/v1/payment_intents/${pi}/cancel`, {}), 400, 'resource_in_use');
    await ok(confirm(pk, held, { payment_method: 'pm_card_visa' }));
    expect(await ok(api.post(`/v1/payment_intents/${pi}/cancel`, { cancellation_reason: 'requested_by_customer' }))).toMatchObject({
      status: 'canceled',
      amount_capturable: 0,
      cancellation_reason: 'requested_by_customer',
    });
    expect(await ok(api.get(`/v1/checkout/sessions/${held.id as string}`))).toMatchObject({ status: 'complete', payment_status: 'paid' });
  });

  it('uses the shipping details the merchant set when the buyer gives no shipping address', async () => {
    const s = await embeddedSession(api, cat, { shipping_address_collection: { allowed_countries: ['US'] } });
    await ok(api.post(`/v1/checkout/sessions/${s.id as string}`, { shipping_details: { name: 'Ada', address: ADDRESS } }));
    expect(await ok(confirm(pk, s, { payment_method: 'pm_card_visa' }))).toMatchObject({ status: 'complete' });
    expect(await ok(api.get(`/v1/checkout/sessions/${s.id as string}`))).toMatchObject({ shipping_details: { name: 'Ada', address: { ...ADDRESS, line2: null } } });
  });

  it('the buyer sets details and the shipping option before paying; the intent follows the total', async () => {
    const s = await embeddedSession(api, cat, {
      shipping_options: [{ shipping_rate: cat.standard }, { shipping_rate: cat.express }],
      shipping_address_collection: { allowed_countries: ['US', 'CA'] },
      phone_number_collection: true,
      billing_address_collection: 'required',
      customer_creation: 'always',
    });
    const base = `/v1/checkout_sessions/${s.id as string}/client`;
    const view = await ok(
      pk.post(
        base,
        { client_secret: s.client_secret, email: 'set@example.com', name: 'Grace', phone: '+15550199', shipping_address: ADDRESS, billing_address: ADDRESS, shipping_rate: cat.express },
        { idempotencyKey: null },
      ),
    );
    expect(view).toMatchObject({ customer_email: 'set@example.com', amount_total: 3500, total_details: { amount_shipping: 1500 } });
    expect((await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).amount).toBe(3500);
    const paid = await ok(pk.post(`${base}/confirm`, { client_secret: s.client_secret, payment_method: 'pm_card_visa' }, { idempotencyKey: null }));
    expect(paid).toMatchObject({ status: 'complete', amount_total: 3500 });
    const done = await ok(api.get(`/v1/checkout/sessions/${s.id as string}?expand[]=customer`));
    expect(done).toMatchObject({
      amount_total: 3500,
      shipping_cost: { shipping_rate: cat.express, amount_total: 1500 },
      customer_details: { email: 'set@example.com', name: 'Grace', phone: '+15550199', address: { ...ADDRESS, line2: null } },
      shipping_details: { name: 'Grace', address: { ...ADDRESS, line2: null } },
      customer: { object: 'customer', email: 'set@example.com', name: 'Grace', phone: '+15550199' },
    });
    const pi = await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`));
    expect(pi).toMatchObject({ amount: 3500, amount_received: 3500, customer: (done.customer as Obj).id });
  });

  it('checks what the session collects, precisely, before any payment', async () => {
    const s = await embeddedSession(api, cat, {
      shipping_options: [{ shipping_rate: cat.standard }],
      shipping_address_collection: { allowed_countries: ['US'] },
      phone_number_collection: true,
      billing_address_collection: 'required',
    });
    const full = { payment_method: 'pm_card_visa', name: 'Ada', phone: '+15550100', shipping_address: ADDRESS, billing_address: ADDRESS };
    const without = (field: string) => Object.fromEntries(Object.entries(full).filter(([k]) => k !== field));
    expectError(await confirm(pk, s, without('phone')), 400, 'parameter_missing', 'phone');
    expectError(await confirm(pk, s, without('billing_address')), 400, 'parameter_missing', 'billing_address');
    expectError(await confirm(pk, s, { ...full, billing_address: { ...ADDRESS, line1: '' } }), 400, 'parameter_missing', 'billing_address[line1]');
    expectError(await confirm(pk, s, without('shipping_address')), 400, 'parameter_missing', 'shipping_address');
    expectError(await confirm(pk, s, without('name')), 400, 'parameter_missing', 'name');
    expectError(await confirm(pk, s, { ...full, shipping_address: { ...ADDRESS, country: 'FR' } }), 400, 'parameter_invalid', 'shipping_address[country]');
    expectError(await confirm(pk, s, { ...full, billing_address: { ...ADDRESS, country: 'ZZ' } }), 400, 'parameter_invalid', 'billing_address[country]');
    expectError(await confirm(pk, s, { ...full, shipping_rate: cat.express }), 400, 'parameter_invalid', 'shipping_rate');
    expectError(await confirm(pk, s, without('payment_method')), 400, 'parameter_missing', 'payment_method');
    expectError(await confirm(pk, s, { ...full, email: '' }), 400, 'parameter_missing', 'email');
    expectError(await confirm(pk, s, { ...full, payment_method: 'pm_nope' }), 404, 'resource_missing', 'payment_method');
    expectError(await confirm(pk, s, { ...full, coupon: 'X' }), 400, 'parameter_unknown', 'coupon');
    expect((await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).status).toBe('requires_payment_method');
    expect(await ok(api.get<{ data: Obj[] }>(`/v1/charges?payment_intent=${s.payment_intent as string}`))).toMatchObject({ data: [] });
    expect(await ok(confirm(pk, s, full))).toMatchObject({ status: 'complete' });
  });

  it('refuses to pay a session whose expires_at has passed, even before the expiry job ran', async () => {
    const t = (await ok(api.get<{ now: number }>('/v1/test_helpers/clock'))).now;
    const s = await embeddedSession(api, cat, { expires_at: t + 1800 });
    await ok(api.post('/v1/test_helpers/advance_clock', { seconds: 1800 }));
    expectError(await confirm(pk, s, { payment_method: 'pm_card_visa' }), 400, 'checkout_session_not_open');
    expect((await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).status).toBe('requires_payment_method');
  });

  it('honours an Idempotency-Key on confirm: a repeat replays the stored answer and charges once', async () => {
    const key = 'confirm-once-1';
    const s2 = await embeddedSession(api, cat);
    const r1 = await pk.post(`/v1/checkout/sessions/${s2.id as string}/client/confirm`, { client_secret: s2.client_secret, email: 'a@example.com', payment_method: 'pm_card_visa' }, { idempotencyKey: key });
    const r2 = await pk.post(`/v1/checkout/sessions/${s2.id as string}/client/confirm`, { client_secret: s2.client_secret, email: 'a@example.com', payment_method: 'pm_card_visa' }, { idempotencyKey: key });
    expect(r1.status).toBe(200);
    expect(r2.status).toBe(200);
    expect(r2.text).toBe(r1.text);
    expect(r2.headers.get('idempotent-replayed')).toBe('true');
    const charges = await ok(api.get<{ data: Obj[] }>(`/v1/charges?payment_intent=${s2.payment_intent as string}`));
    expect(charges.data).toHaveLength(1);
    // A decline is stored too: its replay is the same 402, and no second attempt is made.
    const s3 = await embeddedSession(api, cat);
    const body = { client_secret: s3.client_secret, email: 'a@example.com', payment_method: 'pm_card_declined' };
    const d1 = await pk.post(`/v1/checkout/sessions/${s3.id as string}/client/confirm`, body, { idempotencyKey: 'decline-once' });
    const d2 = await pk.post(`/v1/checkout/sessions/${s3.id as string}/client/confirm`, body, { idempotencyKey: 'decline-once' });
    expectError(d1, 402, 'card_declined');
    expect(d2.status).toBe(402);
    expect(d2.text).toBe(d1.text);
    expect((await ok(api.get<{ data: Obj[] }>(`/v1/charges?payment_intent=${s3.payment_intent as string}`))).data).toHaveLength(1);
  });

  it('refuses a phone or a name the hosted page refuses, on confirm and on the details call, writing nothing', async () => {
    const s = await embeddedSession(api, cat, { phone_number_collection: true });
    const good = { payment_method: 'pm_card_visa', name: 'Ada Lovelace', phone: '+1 (555) 010-0199' };
    const badPhones = ['abc', '<script>alert(1)</script>', 'call me', '1234', '+1 555 0100 0000 0000', '555-0100+1', '12345678901234567890123456'];
    const badNames = ['<b>x</b>', '<script>alert(1)</script>', '{{7*7}}', 'a'.repeat(151)];
    for (const phone of badPhones) {
      const err = expectError(await confirm(pk, s, { ...good, phone }), 400, 'parameter_invalid', 'phone');
      expect(err).toMatchObject({ type: 'invalid_request_error' });
      expect(err.message).toContain('phone');
    }
    for (const name of badNames) {
      const err = expectError(await confirm(pk, s, { ...good, name }), 400, 'parameter_invalid', 'name');
      expect(err).toMatchObject({ type: 'invalid_request_error' });
    }
    // The details call refuses them too, and keeps nothing of the refused request (not even its valid email).
    const base = `/v1/checkout/sessions/${s.id as string}/client`;
    expectError(await pk.post(base, { client_secret: s.client_secret, email: 'kept@example.com', phone: 'abc' }), 400, 'parameter_invalid', 'phone');
    expectError(await pk.post(base, { client_secret: s.client_secret, email: 'kept@example.com', name: '<b>x</b>' }), 400, 'parameter_invalid', 'name');
    expect((await ok(pk.get(`${base}?client_secret=${s.client_secret as string}`))).customer_email).toBeNull();
    expect((await ok(api.get(`/v1/checkout/sessions/${s.id as string}`))).status).toBe('open');
    expect((await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).status).toBe('requires_payment_method');
    expect(await ok(api.get<{ data: Obj[] }>(`/v1/charges?payment_intent=${s.payment_intent as string}`))).toMatchObject({ data: [] });

    // A phone given to a session that does not collect one must be a phone number as well.
    const plain = await embeddedSession(api, cat);
    expectError(await confirm(pk, plain, { payment_method: 'pm_card_visa', phone: 'abc' }), 400, 'parameter_invalid', 'phone');
    expect((await ok(api.get(`/v1/checkout/sessions/${plain.id as string}`))).status).toBe('open');
    // A shipping address sent to a session that collects none is taken and not kept (its country is still checked).
    const shipping = { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' };
    expectError(await confirm(pk, plain, { payment_method: 'pm_card_visa', email: 'b@example.com', shipping_address: { ...shipping, country: 'ZZ' } }), 400, 'parameter_invalid', 'shipping_address[country]');
    expect(await ok(confirm(pk, plain, { payment_method: 'pm_card_visa', email: 'b@example.com', name: 'Ada', shipping_address: shipping }))).toMatchObject({ status: 'complete' });
    expect((await ok(api.get(`/v1/checkout/sessions/${plain.id as string}`))).shipping_details).toBeNull();

    expect(await ok(confirm(pk, s, good))).toMatchObject({ status: 'complete' });
    expect(await ok(api.get(`/v1/checkout/sessions/${s.id as string}`))).toMatchObject({
      customer_details: { email: 'buyer@example.com', name: 'Ada Lovelace', phone: '+1 (555) 010-0199' },
    });
  });

  it('takes exactly the names and phones the hosted page takes', async () => {
    const names = ['Ada Lovelace', "Seán O'Brien-Núñez", 'a'.repeat(150), 'a'.repeat(151), '<b>x</b>', 'x > y', '{x}'];
    const phones = ['+15550100', '+1 (555) 010-0199', '555.010.0199', '12345', '1234', '123456789012345', '1234567890123456', '+1 555 0100 0000 00', 'abc', '+', '555+0100', '(555) 0100 ext 12'];
    const s = await embeddedSession(api, cat, { phone_number_collection: true });
    const base = `/v1/checkout/sessions/${s.id as string}/client`;
    for (const name of names) {
      const page = pageVerdict(name, '+15550100');
      const res = await pk.post(base, { client_secret: s.client_secret, name });
      expect({ name, status: res.status, param: (res.body as { error?: Obj }).error?.param }).toEqual({ name, status: page.name ? 400 : 200, param: page.name ? 'name' : undefined });
    }
    for (const phone of phones) {
      const page = pageVerdict('Ada', phone);
      const res = await pk.post(base, { client_secret: s.client_secret, phone });
      expect({ phone, status: res.status, param: (res.body as { error?: Obj }).error?.param }).toEqual({ phone, status: page.phone ? 400 : 200, param: page.phone ? 'phone' : undefined });
    }
  });

  it("the merchant's email wins: another email is refused (nothing written), the same one is accepted", async () => {
    const s = await embeddedSession(api, cat, { customer_email: 'pre@example.com' });
    const base = `/v1/checkout/sessions/${s.id as string}/client`;
    const err = expectError(await confirm(pk, s, { payment_method: 'pm_card_visa', email: 'attacker@example.com', name: 'Eve' }), 400, 'parameter_invalid', 'email');
    expect(err.message).toMatch(/merchant/);
    expectError(await pk.post(base, { client_secret: s.client_secret, email: 'attacker@example.com' }), 400, 'parameter_invalid', 'email');
    expect((await ok(pk.get(`${base}?client_secret=${s.client_secret as string}`))).customer_email).toBe('pre@example.com');
    expect((await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).status).toBe('requires_payment_method');
    expect(await ok(api.get<{ data: Obj[] }>(`/v1/charges?payment_intent=${s.payment_intent as string}`))).toMatchObject({ data: [] });
    // The same address (letter case aside) is accepted; the session's spelling is the one recorded.
    expect(await ok(pk.post(base, { client_secret: s.client_secret, email: 'PRE@example.com' }))).toMatchObject({ customer_email: 'pre@example.com' });
    expect(await ok(confirm(pk, s, { payment_method: 'pm_card_visa', email: 'Pre@Example.com', name: 'Ada' }))).toMatchObject({ status: 'complete' });
    expect(await ok(api.get(`/v1/checkout/sessions/${s.id as string}`))).toMatchObject({ customer_details: { email: 'pre@example.com', name: 'Ada' } });
    const completed = await ok(api.get<{ data: { data: { object: Obj } }[] }>('/v1/events?type=checkout.session.completed&limit=100'));
    expect(completed.data.find((e) => e.data.object.id === s.id)?.data.object).toMatchObject({ customer_details: { email: 'pre@example.com' } });

    // Leaving email out works too.
    const quiet = await embeddedSession(api, cat, { customer_email: 'pre@example.com' });
    expect(await ok(confirm(pk, quiet, { payment_method: 'pm_card_visa', email: undefined }))).toMatchObject({ status: 'complete' });
    expect(await ok(api.get(`/v1/checkout/sessions/${quiet.id as string}`))).toMatchObject({ customer_details: { email: 'pre@example.com' } });
  });

  it("a session's customer fixes the email the same way; a customer without one leaves it to the buyer", async () => {
    const customer = await ok(api.post('/v1/customers', { email: 'cust@example.com', name: 'Cust' }));
    const s = await embeddedSession(api, cat, { customer: customer.id });
    expectError(await confirm(pk, s, { payment_method: 'pm_card_visa', email: 'someone@example.com' }), 400, 'parameter_invalid', 'email');
    expect((await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).status).toBe('requires_payment_method');
    expect(await ok(confirm(pk, s, { payment_method: 'pm_card_visa', email: 'cust@example.com' }))).toMatchObject({ status: 'complete' });
    expect(await ok(api.get(`/v1/checkout/sessions/${s.id as string}`))).toMatchObject({ customer: customer.id, customer_details: { email: 'cust@example.com' } });

    const anonymous = await ok(api.post('/v1/customers', { name: 'No email' }));
    const open = await embeddedSession(api, cat, { customer: anonymous.id });
    expect(await ok(confirm(pk, open, { payment_method: 'pm_card_visa', email: 'given@example.com' }))).toMatchObject({ status: 'complete' });
    expect(await ok(api.get(`/v1/checkout/sessions/${open.id as string}`))).toMatchObject({ customer_details: { email: 'given@example.com' } });
  });
});
