import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, type TestServer } from '../../../../test/harness.js';
import { createScheduler } from '../../../jobs/index.js';
import { expireDueSessions } from '../../../jobs/expire-sessions.js';
import { clientApi, confirm, embeddedSession, eventTypes, ok, sessionBody, SUCCESS_URL, type Api, type Catalog, type Obj, startCheckoutServer } from './checkout-fixtures.js';

describe.each(ENGINES)('checkout sessions happy path (%s)', (engine) => {
  let server: TestServer;
  let api: Api;
  let cat: Catalog;
  beforeAll(async () => {
    ({ server, api, cat } = await startCheckoutServer(engine));
  });
  afterAll(() => server.close());

  const now = async () => (await ok(api.get<{ now: number }>('/v1/test_helpers/clock'))).now;

  it('creates a session with every documented parameter, its PaymentIntent in the same request', async () => {
    const t = await now();
    const s = await ok(
      api.post('/v1/checkout/sessions', {
        mode: 'payment',
        ui_mode: 'hosted',
        line_items: [
          { price: cat.price, quantity: 2 },
          { price_data: { currency: 'usd', unit_amount: 700, product_data: { name: 'Mug' }, tax_behavior: 'exclusive' }, quantity: 1 },
        ],
        success_url: SUCCESS_URL,
        cancel_url: 'https://shop.example/cart',
        customer_email: 'ada@example.com',
        customer_creation: 'always',
        billing_address_collection: 'required',
        shipping_address_collection: { allowed_countries: ['US', 'fr'] },
        shipping_options: [
          { shipping_rate: cat.standard },
          { shipping_rate_data: { display_name: 'Overnight', fixed_amount: { amount: 2500, currency: 'usd' } } },
        ],
        phone_number_collection: { enabled: true },
        client_reference_id: 'order-77',
        payment_intent_data: {
          capture_method: 'manual',
          description: 'Order 77',
          statement_descriptor: 'SHOP 77',
          metadata: { order: '77' },
          application_fee_amount: 100,
        },
        currency: 'usd',
        expires_at: t + 3600,
        metadata: { cart: 'c1' },
      }),
    );
    const id = s.id as string;
    expect(id).toMatch(/^cs_/);
    expect(s).toMatchObject({
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      ui_mode: 'hosted',
      url: `${server.deps.config.publicUrl}/c/${id}`,
      client_secret: null,
      success_url: SUCCESS_URL,
      cancel_url: 'https://shop.example/cart',
      customer: null,
      customer_email: 'ada@example.com',
      customer_creation: 'always',
      customer_details: null,
      billing_address_collection: 'required',
      shipping_address_collection: { allowed_countries: ['US', 'FR'] },
      phone_number_collection: true,
      client_reference_id: 'order-77',
      currency: 'usd',
      expires_at: t + 3600,
      created: t,
      metadata: { cart: 'c1' },
      checkout_link: null,
      livemode: false,
      amount_subtotal: 2700,
      total_details: { amount_discount: 0, amount_shipping: 500, amount_tax: 0 },
      amount_total: 3200,
      shipping_cost: { amount_subtotal: 500, amount_tax: 0, amount_total: 500, shipping_rate: cat.standard },
      shipping_details: null,
    });
    const options = s.shipping_options as { shipping_rate: string; shipping_amount: number }[];
    expect(options[0]).toEqual({ shipping_rate: cat.standard, shipping_amount: 500 });
    expect(options[1]?.shipping_rate).toMatch(/^shr_/);
    expect(options[1]?.shipping_amount).toBe(2500);

    const pi = await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`));
    expect(pi).toMatchObject({
      amount: 3200,
      currency: 'usd',
      status: 'requires_payment_method',
      capture_method: 'manual',
      description: 'Order 77',
      statement_descriptor: 'SHOP 77',
      metadata: { order: '77' },
      application_fee_amount: 100,
    });
    // Both spellings of the path answer the same object.
    expect(await ok(api.get(`/v1/checkout/sessions/${id}`))).toEqual(s);
    expect(await ok(api.get(`/v1/checkout_sessions/${id}`))).toEqual(s);
    // The intent belongs to the session: it cannot be canceled directly.
    expectError(await api.post(`/v1/payment_intents/${s.payment_intent as string}/cancel`, {}), 400, 'resource_in_use');
  });

  it('takes any total from 1 in test mode, and completes it', async () => {
    const penny = (await ok(api.post('/v1/prices', { product: cat.product, currency: 'usd', unit_amount: 1 }))).id as string;
    const s = await embeddedSession(api, cat, { line_items: [{ price: penny, quantity: 1 }] });
    expect(s).toMatchObject({ amount_total: 1, payment_status: 'unpaid' });
    const done = await ok(confirm(clientApi(server), s, { payment_method: 'pm_card_visa' }));
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).toMatchObject({ amount: 1, amount_received: 1, status: 'succeeded' });
  });

  it('accepts a form-encoded body with bracket syntax under /v1/checkout_sessions', async () => {
    const form = [
      `line_items[0][price]=${cat.price}`,
      'line_items[0][quantity]=3',
      `line_items[1][price]=${cat.price2}`,
      'line_items[1][quantity]=1',
      `success_url=${encodeURIComponent(SUCCESS_URL)}`,
      'phone_number_collection=true',
      'metadata[k]=v',
    ].join('&');
    const s = await ok(api.post('/v1/checkout_sessions', undefined, { form }));
    expect(s).toMatchObject({ amount_subtotal: 5500, amount_total: 5500, phone_number_collection: true, metadata: { k: 'v' }, customer_creation: 'if_required' });
    expect(s.expires_at).toBe((s.created as number) + 24 * 3600);
  });

  it('lists line items under both paths, in order, with csli_ ids and price ids, pages and the caller’s url', async () => {
    const s = await ok(
      api.post('/v1/checkout/sessions', sessionBody(cat, { line_items: [{ price: cat.price, quantity: 1 }, { price: cat.price2, quantity: 2 }, { price: cat.price, quantity: 3 }] })),
    );
    for (const base of ['/v1/checkout/sessions', '/v1/checkout_sessions']) {
      const list = await ok(api.get<{ data: Obj[]; url: string; has_more: boolean }>(`${base}/${s.id as string}/line_items`));
      expect(list.url).toBe(`${base}/${s.id as string}/line_items`);
      expect(list.data.map((l) => [l.quantity, l.amount_total])).toEqual([[1, 1000], [2, 5000], [3, 3000]]);
      expect(list.data[0]).toMatchObject({ object: 'item', description: 'Tee', currency: 'usd', amount_subtotal: 1000, amount_discount: 0, amount_tax: 0, price: cat.price });
      expect(list.data.map((l) => l.price)).toEqual([cat.price, cat.price2, cat.price]);
      for (const l of list.data) expect(l.id).toMatch(/^csli_/);
      // expand[]=data.price gives the price as it was sold, even after the price changed.
      await ok(api.post(`/v1/prices/${cat.price as string}`, { nickname: 'renamed later' }));
      const expanded = await ok(api.get<{ data: Obj[] }>(`${base}/${s.id as string}/line_items?expand[]=data.price`));
      expect(expanded.data[0]?.price).toMatchObject({ id: cat.price, object: 'price', unit_amount: 1000 });
      expect((expanded.data[0]?.price as Obj).nickname).not.toBe('renamed later');
      expectError(await api.get(`${base}/${s.id as string}/line_items?expand[]=data.product`), 400, 'parameter_invalid', 'expand');
      const first = await ok(api.get<{ data: Obj[]; has_more: boolean; next_cursor: string }>(`${base}/${s.id as string}/line_items?limit=1`));
      expect(first.has_more).toBe(true);
      const next = await ok(api.get<{ data: Obj[]; has_more: boolean }>(`${base}/${s.id as string}/line_items?limit=5&starting_after=${first.next_cursor}`));
      expect(next.data.map((l) => l.quantity)).toEqual([2, 3]);
      expect(next.has_more).toBe(false);
      const before = await ok(api.get<{ data: Obj[] }>(`${base}/${s.id as string}/line_items?ending_before=${list.data[2]?.id as string}`));
      expect(before.data.map((l) => l.quantity)).toEqual([1, 2]);
    }
  });

  it('lists sessions with filters and expand, echoing the path style', async () => {
    const cus = await ok(api.post('/v1/customers', { email: 'list@example.com' }));
    const a = await ok(api.post('/v1/checkout/sessions', sessionBody(cat, { customer: cus.id })));
    const b = await ok(api.post('/v1/checkout/sessions', sessionBody(cat)));
    await ok(api.post(`/v1/checkout/sessions/${b.id as string}/expire`, {}));
    for (const base of ['/v1/checkout/sessions', '/v1/checkout_sessions']) {
      const byCustomer = await ok(api.get<{ data: Obj[]; url: string }>(`${base}?customer=${cus.id as string}&expand[]=data.customer&expand[]=data.payment_intent`));
      expect(byCustomer.url).toBe(base);
      expect(byCustomer.data.map((s) => s.id)).toEqual([a.id]);
      expect(byCustomer.data[0]?.customer).toMatchObject({ id: cus.id, object: 'customer' });
      expect(byCustomer.data[0]?.payment_intent).toMatchObject({ id: a.payment_intent, object: 'payment_intent' });
      const byIntent = await ok(api.get<{ data: Obj[] }>(`${base}?payment_intent=${b.payment_intent as string}`));
      expect(byIntent.data.map((s) => s.id)).toEqual([b.id]);
      const expired = await ok(api.get<{ data: Obj[] }>(`${base}?status=expired&limit=100`));
      expect(expired.data.map((s) => s.id)).toContain(b.id);
      expect(expired.data.every((s) => s.status === 'expired')).toBe(true);
      const created = await ok(api.get<{ data: Obj[] }>(`${base}?created[gte]=${a.created as number}&limit=100`));
      expect(created.data.map((s) => s.id)).toEqual(expect.arrayContaining([a.id, b.id]));
      const none = await ok(api.get<{ data: Obj[] }>(`${base}?created[lt]=${a.created as number}&customer=${cus.id as string}`));
      expect(none.data).toEqual([]);
    }
  });

  it('expands payment_intent, customer and line_items on retrieve', async () => {
    const cus = await ok(api.post('/v1/customers', { email: 'x@example.com' }));
    const s = await ok(api.post('/v1/checkout/sessions', sessionBody(cat, { customer: cus.id })));
    const got = await ok(api.get(`/v1/checkout_sessions/${s.id as string}?expand[]=payment_intent&expand[]=customer&expand[]=line_items`));
    expect(got.payment_intent).toMatchObject({ id: s.payment_intent, object: 'payment_intent', amount: 2000, customer: cus.id });
    expect(got.customer).toMatchObject({ id: cus.id, email: 'x@example.com' });
    expect(got.line_items).toMatchObject({ object: 'list', has_more: false, url: `/v1/checkout_sessions/${s.id as string}/line_items` });
    expect((got.line_items as { data: Obj[] }).data).toHaveLength(1);
  });

  it('updates an open session under both paths; shipping options move the totals and the intent', async () => {
    const s = await ok(api.post('/v1/checkout/sessions', sessionBody(cat, { metadata: { a: '1', b: '2' }, shipping_options: [{ shipping_rate: cat.standard }] })));
    const id = s.id as string;
    const u1 = await ok(
      api.post(`/v1/checkout/sessions/${id}`, {
        metadata: { a: '', c: '3' },
        customer_email: 'new@example.com',
        shipping_details: { name: 'Ada', address: { line1: '1 Main St', city: 'Springfield', country: 'us', postal_code: '12345' } },
      }),
    );
    expect(u1).toMatchObject({
      metadata: { b: '2', c: '3' },
      customer_email: 'new@example.com',
      shipping_details: { name: 'Ada', address: { line1: '1 Main St', line2: null, city: 'Springfield', state: null, postal_code: '12345', country: 'US' } },
    });
    const u2 = await ok(api.post(`/v1/checkout_sessions/${id}`, { shipping_options: [{ shipping_rate: cat.express }, { shipping_rate: cat.standard }] }));
    expect(u2).toMatchObject({ amount_total: 3500, total_details: { amount_shipping: 1500 }, shipping_cost: { shipping_rate: cat.express } });
    expect((await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).amount).toBe(3500);
    const u3 = await ok(api.post(`/v1/checkout_sessions/${id}`, { shipping_options: '', customer_email: null }));
    expect(u3).toMatchObject({ amount_total: 2000, shipping_options: [], shipping_cost: null, customer_email: null });
    expect((await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).amount).toBe(2000);
  });

  it('expires an open session under both paths: intent canceled as abandoned, event, and only once', async () => {
    for (const base of ['/v1/checkout/sessions', '/v1/checkout_sessions']) {
      const s = await ok(api.post(base, sessionBody(cat)));
      const expired = await ok(api.post(`${base}/${s.id as string}/expire`, {}));
      expect(expired).toMatchObject({ id: s.id, status: 'expired', payment_status: 'unpaid' });
      const pi = await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`));
      expect(pi).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
      const events = await ok(api.get<{ data: { type: string; data: { object: Obj } }[] }>(`/v1/events?type=checkout.session.expired&limit=1`));
      expect(events.data[0]?.data.object).toMatchObject({ id: s.id, status: 'expired' });
      expectError(await api.post(`${base}/${s.id as string}/expire`, {}), 400, 'checkout_session_not_open');
      expect((await ok(api.get(`${base}/${s.id as string}`))).status).toBe('expired');
    }
  });

  it('embedded and custom sessions carry a client secret and no url; success_url is optional', async () => {
    for (const uiMode of ['embedded', 'custom']) {
      const s = await ok(api.post('/v1/checkout_sessions', { ui_mode: uiMode, line_items: [{ price: cat.price, quantity: 1 }] }));
      expect(s.url).toBeNull();
      expect(s.success_url).toBeNull();
      expect(s.client_secret).toMatch(new RegExp(`^${s.id as string}_secret_[A-Za-z0-9]+$`));
    }
  });

  it('refuses a line item whose amount is not positive (fluveo-api.md §3.1), by price_data or by price', async () => {
    const free = { price_data: { currency: 'usd', unit_amount: 0, product_data: { name: 'Free sample' } }, quantity: 1 };
    const before = (await ok(api.get<{ data: unknown[] }>('/v1/checkout/sessions?limit=100'))).data.length;
    expectError(await api.post('/v1/checkout/sessions', { mode: 'payment', success_url: SUCCESS_URL, line_items: [free] }), 400, 'parameter_invalid', 'line_items[0][price_data][unit_amount]');
    const product = await ok(api.post<{ id: string }>('/v1/products', { name: 'Free' }));
    const price = await ok(api.post<{ id: string }>('/v1/prices', { product: product.id, currency: 'usd', unit_amount: 0 }));
    expectError(
      await api.post('/v1/checkout/sessions', { mode: 'payment', success_url: SUCCESS_URL, line_items: [{ price: cat.price, quantity: 1 }, { price: price.id, quantity: 2 }] }),
      400,
      'parameter_invalid',
      'line_items[1][price]',
    );
    expect((await ok(api.get<{ data: unknown[] }>('/v1/checkout/sessions?limit=100'))).data.length).toBe(before);
  });

  it('prices tiers, decimal amounts and package quantities exactly; tax adds nothing without a tax engine', async () => {
    const product = await ok(api.post('/v1/products', { name: 'Bulk' }));
    const graduated = await ok(
      api.post('/v1/prices', {
        product: product.id,
        currency: 'usd',
        billing_scheme: 'tiered',
        tiers_mode: 'graduated',
        tiers: [{ up_to: 5, unit_amount: 100 }, { up_to: 'inf', unit_amount: 50, flat_amount: 25 }],
      }),
    );
    const decimal = await ok(api.post('/v1/prices', { product: product.id, currency: 'usd', unit_amount_decimal: '33.5', tax_behavior: 'inclusive' }));
    const pack = await ok(api.post('/v1/prices', { product: product.id, currency: 'usd', unit_amount: 400, transform_quantity: { divide_by: 6, round: 'up' } }));
    const s = await ok(
      api.post(
        '/v1/checkout/sessions',
        sessionBody(cat, {
          line_items: [
            { price: graduated.id, quantity: 8 },
            { price: decimal.id, quantity: 3 },
            { price: pack.id, quantity: 7 },
          ],
        }),
      ),
    );
    const items = await ok(api.get<{ data: Obj[] }>(`/v1/checkout/sessions/${s.id as string}/line_items`));
    // 5×100 + 3×50 + 25 = 675; 3 × 33.5 = 100.5 → 101; ceil(7/6) = 2 packs × 400 = 800.
    expect(items.data.map((l) => l.amount_subtotal)).toEqual([675, 101, 800]);
    expect(s).toMatchObject({ amount_subtotal: 1576, amount_total: 1576, total_details: { amount_tax: 0 } });
  });

  it('expires a session by itself when the test clock passes expires_at (same events as the call)', async () => {
    const live = client(server, server.merchant.keys.sk_live);
    const t = await now();
    const s = await ok(api.post('/v1/checkout/sessions', sessionBody(cat, { expires_at: t + 1800 })));
    const later = await ok(api.post('/v1/checkout/sessions', sessionBody(cat)));
    const liveProduct = await ok(live.post('/v1/products', { name: 'Live tee' }));
    const livePrice = await ok(live.post('/v1/prices', { product: liveProduct.id, currency: 'usd', unit_amount: 1000 }));
    const liveSession = await ok(live.post('/v1/checkout/sessions', { line_items: [{ price: livePrice.id, quantity: 1 }], success_url: SUCCESS_URL, expires_at: t + 1800 }));

    await expireDueSessions(server.deps);
    expect((await ok(api.get(`/v1/checkout/sessions/${s.id as string}`))).status).toBe('open');

    await ok(api.post('/v1/test_helpers/advance_clock', { seconds: 1800 }));
    const scheduler = createScheduler(server.deps);
    expect(scheduler.jobs).toContain('checkout-session-expiry');
    await scheduler.runJob('checkout-session-expiry');

    expect(await ok(api.get(`/v1/checkout/sessions/${s.id as string}`))).toMatchObject({ status: 'expired' });
    expect(await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).toMatchObject({ status: 'canceled', cancellation_reason: 'expired' });
    const events = await ok(api.get<{ data: { type: string; data: { object: Obj } }[] }>(`/v1/events?type=checkout.session.expired&limit=100`));
    expect(events.data.filter((e) => e.data.object.id === s.id)).toHaveLength(1);
    // Not yet due (24 h), and live mode does not follow the test clock.
    expect((await ok(api.get(`/v1/checkout/sessions/${later.id as string}`))).status).toBe('open');
    expect((await ok(live.get(`/v1/checkout/sessions/${liveSession.id as string}`))).status).toBe('open');
    // Running again does nothing more: exactly once.
    expect((await expireDueSessions(server.deps)).expired).toBe(0);
    expect((await ok(api.get<{ data: Obj[] }>(`/v1/events?type=checkout.session.expired&limit=100`))).data.filter((e) => (e.data as { object: Obj }).object.id === s.id)).toHaveLength(1);
    // An expired session cannot be paid or updated.
    expectError(await api.post(`/v1/checkout/sessions/${s.id as string}`, { metadata: { x: '1' } }), 400, 'checkout_session_not_open');
  });

  it('records the events of a paid session in order', async () => {
    const s = await embeddedSession(api, cat, { customer_creation: 'always' });
    await ok(confirm(clientApi(server), s, { payment_method: 'pm_card_visa', name: 'Ada' }));
    const types = await eventTypes(api, `payment_intent=${s.payment_intent as string}&limit=100`);
    // The intent's events and its charge's; the session's own event is not one of them (fluveo-api.md §3.11).
    expect(types).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
    const all = await eventTypes(api, 'limit=4');
    expect(all).toEqual(['customer.created', 'charge.succeeded', 'payment_intent.succeeded', 'checkout.session.completed']);
    const done = await ok(api.get(`/v1/checkout/sessions/${s.id as string}`));
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid', customer_details: { email: 'buyer@example.com', name: 'Ada' } });
    expect(done.customer).toMatch(/^cus_/);
    expect(await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).toMatchObject({ status: 'succeeded', customer: done.customer });
  });
});
