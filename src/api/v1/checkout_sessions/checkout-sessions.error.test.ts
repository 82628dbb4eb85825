import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, type ApiResponse, type TestServer } from '../../../../test/harness.js';
import { clientApi, confirm, embeddedSession, ok, sessionBody, SUCCESS_URL, type Api, type Catalog, type Obj, startCheckoutServer } from './checkout-fixtures.js';

describe.each(ENGINES)('checkout sessions bad input (%s)', (engine) => {
  let server: TestServer;
  let api: Api;
  let cat: Catalog;
  let archived: string;
  let livePrice: string;
  let otherPrice: string;
  let recurring: string;
  let ofArchivedProduct: string;
  beforeAll(async () => {
    ({ server, api, cat } = await startCheckoutServer(engine));
    archived = (await ok(api.post('/v1/prices', { product: cat.product, currency: 'usd', unit_amount: 100, active: false }))).id as string;
    recurring = (await ok(api.post('/v1/prices', { product: cat.product, currency: 'usd', unit_amount: 100, recurring: { interval: 'month' } }))).id as string;
    const retired = await ok(api.post('/v1/products', { name: 'Retired' }));
    ofArchivedProduct = (await ok(api.post('/v1/prices', { product: retired.id, currency: 'usd', unit_amount: 100 }))).id as string;
    await ok(api.post(`/v1/products/${retired.id as string}`, { active: false }));
    const live = client(server, server.merchant.keys.sk_live);
    const lp = await ok(live.post('/v1/products', { name: 'Live' }));
    livePrice = (await ok(live.post('/v1/prices', { product: lp.id, currency: 'usd', unit_amount: 100 }))).id as string;
    const other = client(server, server.other.keys.sk_test);
    const op = await ok(other.post('/v1/products', { name: 'Other' }));
    otherPrice = (await ok(other.post('/v1/prices', { product: op.id, currency: 'usd', unit_amount: 100 }))).id as string;
  });
  afterAll(() => server.close());

  const now = async () => (await ok(api.get<{ now: number }>('/v1/test_helpers/clock'))).now;

  /** How much exists: sessions, prices, shipping rates, intents and events. A refused request changes none. */
  async function footprint(): Promise<number[]> {
    const count = async (table: string) =>
      Number((await server.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
    return Promise.all(['checkout_sessions', 'prices', 'products', 'shipping_rates', 'payment_intents', 'events', 'idempotency_keys'].map(count));
  }

  async function refused(res: Promise<ApiResponse>, status: number, code: string, param: string | null, before: number[]) {
    expectError(await res, status, code, param);
    expect(await footprint()).toEqual(before);
  }

  it('refuses each named bad input with a precise error, writing nothing', async () => {
    const before = await footprint();
    const t = await now();
    const create = (extra: Obj) => api.post('/v1/checkout/sessions', sessionBody(cat, extra));
    // The named cases of the issue, in order.
    await refused(create({ line_items: [] }), 400, 'parameter_invalid', 'line_items', before);
    await refused(
      create({ line_items: [{ price: cat.price, price_data: { currency: 'usd', unit_amount: 5, product: cat.product }, quantity: 1 }] }),
      400,
      'parameter_invalid',
      'line_items[0][price_data]',
      before,
    );
    await refused(create({ line_items: [{ price: livePrice, quantity: 1 }] }), 404, 'resource_missing', 'line_items[0][price]', before);
    await refused(create({ line_items: [{ price: otherPrice, quantity: 1 }] }), 404, 'resource_missing', 'line_items[0][price]', before);
    await refused(create({ line_items: [{ price: archived, quantity: 1 }] }), 400, 'parameter_invalid', 'line_items[0][price]', before);
    await refused(create({ line_items: [{ price: cat.price, quantity: 1 }, { price: 'price_missing', quantity: 1 }] }), 404, 'resource_missing', 'line_items[1][price]', before);
    await refused(create({ line_items: [{ price: cat.price, quantity: 1 }, { price: ofArchivedProduct, quantity: 1 }] }), 400, 'parameter_invalid', 'line_items[1][price]', before);
    await refused(
      create({ line_items: [{ price: cat.price, quantity: 1 }, { price: cat.eurPrice, quantity: 1 }] }),
      400,
      'parameter_invalid',
      'line_items[1][price]',
      before,
    );
    await refused(create({ line_items: [{ price: cat.price, quantity: 0 }] }), 400, 'parameter_invalid', 'line_items[0][quantity]', before);
    await refused(create({ line_items: [{ price: cat.price, quantity: 1_000_000 }] }), 400, 'parameter_invalid', 'line_items[0][quantity]', before);
    await refused(create({ expires_at: t - 60 }), 400, 'parameter_invalid', 'expires_at', before);
    await refused(create({ expires_at: t + 29 * 60 }), 400, 'parameter_invalid', 'expires_at', before);
    await refused(create({ expires_at: t + 25 * 3600 }), 400, 'parameter_invalid', 'expires_at', before);
    for (const url of ['/success', 'shop.example/success', 'ftp://shop.example/x', 'javascript:alert(1)', '']) {
      await refused(create({ success_url: url }), 400, 'parameter_invalid', 'success_url', before);
    }
    await refused(create({ shipping_address_collection: { allowed_countries: ['US', 'XX'] } }), 400, 'parameter_invalid', 'shipping_address_collection[allowed_countries][1]', before);
    await refused(create({ shipping_address_collection: { allowed_countries: ['USA'] } }), 400, 'parameter_invalid', 'shipping_address_collection[allowed_countries][0]', before);
    await refused(create({ mode: 'subscription' }), 400, 'parameter_invalid', 'mode', before);
    await refused(create({ mode: 'setup' }), 400, 'parameter_invalid', 'mode', before);
  });

  it('refuses the other rules of create, writing nothing', async () => {
    const before = await footprint();
    const create = (extra: Obj) => api.post('/v1/checkout_sessions', sessionBody(cat, extra));
    const t = await now();
    await refused(api.post('/v1/checkout/sessions', { line_items: [{ price: cat.price, quantity: 1 }] }), 400, 'parameter_missing', 'success_url', before);
    await refused(api.post('/v1/checkout/sessions', { success_url: SUCCESS_URL }), 400, 'parameter_missing', 'line_items', before);
    await refused(create({ line_items: [{ quantity: 1 }] }), 400, 'parameter_missing', 'line_items[0][price]', before);
    await refused(create({ line_items: [{ price: cat.price }] }), 400, 'parameter_missing', 'line_items[0][quantity]', before);
    await refused(create({ line_items: [{ price: 'price_doesnotexist', quantity: 1 }] }), 404, 'resource_missing', 'line_items[0][price]', before);
    await refused(create({ line_items: [{ price: recurring, quantity: 1 }] }), 400, 'parameter_invalid', 'line_items[0][price]', before);
    await refused(
      create({ line_items: [{ price: cat.price, quantity: 1 }, { price_data: { currency: 'eur', unit_amount: 100, product: cat.product }, quantity: 1 }] }),
      400,
      'parameter_invalid',
      'line_items[1][price_data][currency]',
      before,
    );
    await refused(create({ currency: 'eur' }), 400, 'parameter_invalid', 'line_items[0][price]', before);
    await refused(create({ line_items: Array.from({ length: 101 }, () => ({ price: cat.price, quantity: 1 })) }), 400, 'parameter_invalid', 'line_items', before);
    await refused(create({ line_items: [{ price: cat.price2, quantity: 999_999 }] }), 400, 'amount_too_large', 'line_items[0][quantity]', before);
    await refused(
      create({ line_items: [{ price: cat.price2, quantity: 39_999 }, { price: cat.price2, quantity: 2 }] }),
      400,
      'amount_too_large',
      'line_items',
      before,
    );
    // Below the currency's minimum charge: refused in live mode; test mode takes any total from 1 (see the happy path).
    const live = client(server, server.merchant.keys.sk_live);
    const liveProduct = await ok(live.post('/v1/products', { name: 'Live sticker' }));
    const cheap = (await ok(live.post('/v1/prices', { product: liveProduct.id, currency: 'usd', unit_amount: 10 }))).id as string;
    const afterCheap = await footprint();
    await refused(
      live.post('/v1/checkout_sessions', { success_url: SUCCESS_URL, line_items: [{ price: cheap, quantity: 1 }] }),
      400,
      'amount_too_small',
      'line_items',
      afterCheap,
    );
    await refused(create({ ui_mode: 'popup' }), 400, 'parameter_invalid', 'ui_mode', afterCheap);
    await refused(create({ customer: 'cus_nope' }), 404, 'resource_missing', 'customer', afterCheap);
    await refused(create({ customer_email: 'not-an-email' }), 400, 'parameter_invalid', 'customer_email', afterCheap);
    await refused(create({ customer_creation: 'sometimes' }), 400, 'parameter_invalid', 'customer_creation', afterCheap);
    await refused(create({ billing_address_collection: 'never' }), 400, 'parameter_invalid', 'billing_address_collection', afterCheap);
    await refused(create({ shipping_options: [{ shipping_rate: 'shr_nope' }] }), 404, 'resource_missing', 'shipping_options[0][shipping_rate]', afterCheap);
    await refused(create({ shipping_options: [{}] }), 400, 'parameter_missing', 'shipping_options[0][shipping_rate]', afterCheap);
    await refused(
      create({ shipping_options: [{ shipping_rate_data: { display_name: 'Eur', fixed_amount: { amount: 100, currency: 'eur' } } }] }),
      400,
      'parameter_invalid',
      'shipping_options[0][shipping_rate_data][fixed_amount][currency]',
      afterCheap,
    );
    await refused(create({ phone_number_collection: 'maybe' }), 400, 'parameter_invalid', 'phone_number_collection', afterCheap);
    await refused(create({ payment_intent_data: { capture_method: 'later' } }), 400, 'parameter_invalid', 'payment_intent_data[capture_method]', afterCheap);
    await refused(create({ payment_intent_data: { application_fee_amount: 5000 } }), 400, 'parameter_invalid', 'payment_intent_data[application_fee_amount]', afterCheap);
    // fluveo-api.md §2.10: at most 32 keys, and never `order_id` (any case) or `invoice`.
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${String(i)}`, 'v']));
    await refused(create({ payment_intent_data: { metadata: many } }), 400, 'parameter_invalid', 'payment_intent_data[metadata]', afterCheap);
    await refused(create({ payment_intent_data: { metadata: { Order_ID: '1' } } }), 400, 'parameter_invalid', 'payment_intent_data[metadata][Order_ID]', afterCheap);
    await refused(create({ payment_intent_data: { metadata: { invoice: 'x' } } }), 400, 'parameter_invalid', 'payment_intent_data[metadata][invoice]', afterCheap);
    await refused(create({ expires_at: 'tomorrow' }), 400, 'parameter_invalid', 'expires_at', afterCheap);
    await refused(create({ metadata: { fluveo_x: '1' } }), 400, 'parameter_invalid', 'metadata[fluveo_x]', afterCheap);
    await refused(create({ surprise: true }), 400, 'parameter_unknown', 'surprise', afterCheap);
    await refused(create({ line_items: [{ price: cat.price, quantity: 1, discount: 5 }] }), 400, 'parameter_unknown', 'line_items[0][discount]', afterCheap);
    const cus = (await ok(api.post('/v1/customers', { email: 'c@example.com' }))).id as string;
    const afterCustomer = await footprint();
    await refused(create({ customer: cus, customer_email: 'd@example.com' }), 400, 'parameter_invalid', 'customer_email', afterCustomer);
    expect(t).toBeGreaterThan(0);
  });

  it('refuses wrong-state calls: expiring a completed or expired session, updating an expired one', async () => {
    const s = await embeddedSession(api, cat);
    await ok(confirm(clientApi(server), s, { payment_method: 'pm_card_visa' }));
    const before = await footprint();
    await refused(api.post(`/v1/checkout/sessions/${s.id as string}/expire`, {}), 400, 'checkout_session_not_open', null, before);
    await refused(api.post(`/v1/checkout_sessions/${s.id as string}`, { metadata: { a: '1' } }), 400, 'checkout_session_not_open', null, before);
    expect((await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).status).toBe('succeeded');

    const e = await ok(api.post('/v1/checkout/sessions', sessionBody(cat)));
    await ok(api.post(`/v1/checkout/sessions/${e.id as string}/expire`, {}));
    const afterExpire = await footprint();
    await refused(api.post(`/v1/checkout/sessions/${e.id as string}`, { metadata: { a: '1' } }), 400, 'checkout_session_not_open', null, afterExpire);
    await refused(api.post(`/v1/checkout/sessions/${e.id as string}`, { shipping_options: [{ shipping_rate: cat.standard }] }), 400, 'checkout_session_not_open', null, afterExpire);
    await refused(api.post(`/v1/checkout/sessions/${e.id as string}/expire`, {}), 400, 'checkout_session_not_open', null, afterExpire);
  });

  it('refuses bad update, list and line-item parameters', async () => {
    const s = await ok(api.post('/v1/checkout/sessions', sessionBody(cat)));
    const id = s.id as string;
    expectError(await api.post(`/v1/checkout/sessions/${id}`, { shipping_options: [{ shipping_rate: cat.eurPrice }] }), 400, 'parameter_invalid', 'shipping_options[0][shipping_rate]');
    expectError(await api.post(`/v1/checkout/sessions/${id}`, { success_url: SUCCESS_URL }), 400, 'parameter_unknown', 'success_url');
    expectError(await api.post(`/v1/checkout/sessions/${id}`, { customer_email: 'nope' }), 400, 'parameter_invalid', 'customer_email');
    expectError(await api.post(`/v1/checkout/sessions/${id}`, { shipping_details: { name: 'A', address: { country: 'ZZ' } } }), 400, 'parameter_invalid', 'shipping_details[address][country]');
    expectError(await api.get('/v1/checkout/sessions?status=done'), 400, 'parameter_invalid', 'status');
    expectError(await api.get('/v1/checkout_sessions?limit=0'), 400, 'parameter_invalid', 'limit');
    expectError(await api.get(`/v1/checkout_sessions?starting_after=${id}&ending_before=${id}`), 400, 'parameter_invalid', 'ending_before');
    expectError(await api.get(`/v1/checkout/sessions/${id}?expand[]=url`), 400, 'parameter_invalid', 'expand');
    expectError(await api.get(`/v1/checkout/sessions?expand[]=line_items`), 400, 'parameter_invalid', 'expand');
    expectError(await api.get(`/v1/checkout/sessions/${id}/line_items?starting_after=li_unknown`), 400, 'parameter_invalid', 'starting_after');
    expectError(await api.get(`/v1/checkout/sessions/cs_unknown`), 404, 'resource_missing', 'id');
    expectError(await api.get(`/v1/checkout_sessions/cs_unknown/line_items`), 404, 'resource_missing', 'id');
    expectError(await api.post(`/v1/checkout/sessions/cs_unknown/expire`, {}), 404, 'resource_missing', 'id');
    expectError(await api.get('/v1/checkout/sessions?customer=xyz'), 400, 'parameter_invalid', 'customer');
    expectError(await api.get('/v1/checkout_sessions?payment_intent=xyz'), 400, 'parameter_invalid', 'payment_intent');
  });

  it('refuses price_data naming an archived product, as it refuses that product\'s prices', async () => {
    const retired = (await ok(api.post('/v1/products', { name: 'Retired too', active: false }))).id as string;
    const before = await footprint();
    const inline = { currency: 'usd', unit_amount: 700, product: retired };
    await refused(api.post('/v1/checkout/sessions', sessionBody(cat, { line_items: [{ price_data: inline, quantity: 1 }] })), 400, 'parameter_invalid', 'line_items[0][price_data][product]', before);
    await refused(
      api.post('/v1/checkout/sessions', sessionBody(cat, { line_items: [{ price_data: { ...inline, product: 'prod_missing' }, quantity: 1 }] })),
      404,
      'resource_missing',
      'line_items[0][price_data][product]',
      before,
    );
  });

  it('refuses an update that would break a rule of create, writing nothing', async () => {
    const cus = (await ok(api.post('/v1/customers', { email: 'c@example.com' }))).id as string;
    const forCustomer = await ok(api.post('/v1/checkout/sessions', sessionBody(cat, { customer: cus })));
    const shipping = await ok(
      api.post('/v1/checkout/sessions', sessionBody(cat, { shipping_address_collection: { allowed_countries: ['US'] }, shipping_options: [{ shipping_rate: cat.standard }] })),
    );
    const full = await ok(api.post('/v1/checkout/sessions', sessionBody(cat, { metadata: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) })));
    // 2 × 1000 + 500 shipping; the fee fits the total only while shipping is charged.
    const fee = await ok(
      api.post('/v1/checkout/sessions', sessionBody(cat, { shipping_options: [{ shipping_rate: cat.standard }], payment_intent_data: { application_fee_amount: 2_200 } })),
    );
    const before = await footprint();
    await refused(api.post(`/v1/checkout/sessions/${forCustomer.id as string}`, { customer_email: 'd@example.com' }), 400, 'parameter_invalid', 'customer_email', before);
    await refused(
      api.post(`/v1/checkout/sessions/${shipping.id as string}`, { shipping_details: { name: 'A', address: { line1: '1 Rue', country: 'FR' } } }),
      400,
      'parameter_invalid',
      'shipping_details[address][country]',
      before,
    );
    await refused(api.post(`/v1/checkout_sessions/${full.id as string}`, { metadata: { extra: 'v' } }), 400, 'parameter_invalid', 'metadata', before);
    await refused(api.post(`/v1/checkout/sessions/${fee.id as string}`, { shipping_options: '' }), 400, 'parameter_invalid', 'shipping_options', before);
    expect(Object.keys((await ok(api.get(`/v1/checkout/sessions/${full.id as string}`))).metadata as Obj)).toHaveLength(50);
    // Replacing a key, or removing one to add another, stays within the limit.
    await ok(api.post(`/v1/checkout/sessions/${full.id as string}`, { metadata: { k0: 'w', k1: '', extra: 'v' } }));
    expect((await ok(api.get(`/v1/payment_intents/${fee.payment_intent as string}`))).amount).toBe(2_500);
  });
});
