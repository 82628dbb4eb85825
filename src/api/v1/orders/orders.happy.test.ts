import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, expectError, type TestServer } from '../../../../test/harness.js';
import { reservedQuantity } from '../../../domain/orders/reservations.js';
import { clientApi, confirm, embeddedSession, eventTypes, ok, type Api, type Catalog, type Obj, startCheckoutServer } from '../checkout_sessions/checkout-fixtures.js';

const ORDER_FIELDS = [
  'id', 'object', 'status', 'payment_status', 'fulfillment_status', 'currency', 'line_items', 'amount_subtotal', 'amount_shipping',
  'amount_tax', 'amount_total', 'customer', 'checkout_session', 'payment_intent', 'shipping_address', 'billing_address',
  'shipping_method', 'shipping_cost', 'metadata', 'livemode', 'created',
].sort();

describe.each(ENGINES)('orders happy path (%s)', (engine) => {
  let server: TestServer;
  let api: Api;
  let cat: Catalog;
  beforeAll(async () => {
    ({ server, api, cat } = await startCheckoutServer(engine));
  });
  afterAll(() => server.close());

  const reserved = (product: string) =>
    reservedQuantity({ deps: server.deps, db: server.store.db, actor: { merchant: { id: server.merchant.id, name: '', default_api_version: '', test_clock_offset_s: 0, created: 0 }, scope: { merchantId: server.merchant.id, livemode: false }, apiVersion: '', now: 0 } }, product);

  it('creates an order from the documented form body, with exactly the Order fields', async () => {
    const order = await ok(
      api.post('/v1/orders', undefined, { form: 'currency=usd&line_items[0][title]=Classic%20T-Shirt&line_items[0][quantity]=2&line_items[0][unit_price]=2500' }),
    );
    expect(Object.keys(order).sort()).toEqual(ORDER_FIELDS);
    expect(order.id).toMatch(/^ord_/);
    expect(order).toMatchObject({
      object: 'order',
      status: 'open',
      payment_status: 'unpaid',
      fulfillment_status: 'unfulfilled',
      currency: 'usd',
      amount_subtotal: 5000,
      amount_shipping: 0,
      amount_tax: 0,
      amount_total: 5000,
      customer: null,
      checkout_session: null,
      payment_intent: null,
      shipping_address: null,
      billing_address: null,
      shipping_method: null,
      shipping_cost: null,
      metadata: {},
      livemode: false,
    });
    const [line] = order.line_items as Obj[];
    expect(line).toMatchObject({ title: 'Classic T-Shirt', quantity: 2, unit_price: 2500, amount: 5000, price: null, product: null });
    expect(line?.id).toMatch(/^li_/);
    expect(await ok(api.get(`/v1/orders/${order.id as string}`))).toEqual(order);
    expect((await eventTypes(api, 'limit=1'))).toEqual(['order.created']);
  });

  it('prices lines from prices and products, adds shipping and addresses, reserves and releases on cancel', async () => {
    const cus = await ok(api.post('/v1/customers', { email: 'o@example.com' }));
    const order = await ok(
      api.post('/v1/orders', {
        currency: 'usd',
        customer: cus.id,
        line_items: [
          { price: cat.price, quantity: 3 },
          { product: cat.product, unit_price: 150, quantity: 2 },
        ],
        shipping_rate: cat.express,
        shipping_address: { name: 'Ada', line1: '1 Main St', city: 'Springfield', country: 'us' },
        billing_address: { name: 'Ada', line1: '2 Side St', country: 'US' },
        metadata: { ref: 'A1' },
      }),
    );
    expect(order).toMatchObject({
      customer: cus.id,
      amount_subtotal: 3300,
      amount_shipping: 1500,
      amount_total: 4800,
      shipping_method: { shipping_rate: cat.express, display_name: 'Express' },
      shipping_cost: 1500,
      shipping_address: { name: 'Ada', line1: '1 Main St', line2: null, city: 'Springfield', state: null, postal_code: null, country: 'US' },
      billing_address: { name: 'Ada', line1: '2 Side St', country: 'US' },
      metadata: { ref: 'A1' },
    });
    expect((order.line_items as Obj[]).map((l) => [l.title, l.unit_price, l.amount, l.price, l.product])).toEqual([
      ['Tee', 1000, 3000, cat.price, cat.product],
      ['Tee', 150, 300, null, cat.product],
    ]);
    const before = await reserved(cat.product);
    expect(before).toBeGreaterThanOrEqual(5);

    const updated = await ok(api.post(`/v1/orders/${order.id as string}`, { metadata: { ref: '', note: 'gift' } }));
    expect(updated.metadata).toEqual({ note: 'gift' });

    const canceled = await ok(api.post(`/v1/orders/${order.id as string}/cancel`, {}));
    expect(canceled).toMatchObject({ status: 'canceled', payment_status: 'unpaid' });
    expect(await reserved(cat.product)).toBe(before - 5);
    expectError(await api.post(`/v1/orders/${order.id as string}/cancel`, {}), 400, 'order_unexpected_state');
    expectError(await api.post(`/v1/orders/${order.id as string}/complete`, {}), 400, 'order_unexpected_state');
    expect((await eventTypes(api, 'limit=3'))).toEqual(['order.created', 'order.updated', 'order.canceled']);
  });

  it('completes an order: completed and paid, reservations consumed; lists filter by status and customer', async () => {
    const cus = await ok(api.post('/v1/customers', { email: 'c@example.com' }));
    const order = await ok(api.post('/v1/orders', { currency: 'usd', customer: cus.id, line_items: [{ price: cat.price2, quantity: 1 }] }));
    const before = await reserved(cat.product);
    const done = await ok(api.post(`/v1/orders/${order.id as string}/complete`, {}));
    expect(done).toMatchObject({ status: 'completed', payment_status: 'paid', fulfillment_status: 'unfulfilled' });
    expect(await reserved(cat.product)).toBe(before - 1);
    expect((await eventTypes(api, 'limit=2'))).toEqual(['order.paid', 'order.completed']);
    expectError(await api.post(`/v1/orders/${order.id as string}/complete`, {}), 400, 'order_unexpected_state');

    const byCustomer = await ok(api.get<{ data: Obj[]; url: string }>(`/v1/orders?customer=${cus.id as string}`));
    expect(byCustomer.url).toBe('/v1/orders');
    expect(byCustomer.data.map((o) => o.id)).toEqual([order.id]);
    const completed = await ok(api.get<{ data: Obj[] }>('/v1/orders?status=completed'));
    expect(completed.data.every((o) => o.status === 'completed')).toBe(true);
    expect(completed.data.map((o) => o.id)).toContain(order.id);
    const page = await ok(api.get<{ data: Obj[]; has_more: boolean }>('/v1/orders?limit=1'));
    expect(page.has_more).toBe(true);
  });

  it('an order paid by a held authorization is unpaid again once the authorization is released', async () => {
    const s = await embeddedSession(api, cat, { mode: 'order', payment_intent_data: { capture_method: 'manual' } });
    const view = await ok(confirm(clientApi(server), s, { payment_method: 'pm_card_visa' }));
    expect(view).toMatchObject({ status: 'complete' });
    const find = async () => (await ok(api.get<{ data: Obj[] }>('/v1/orders?limit=100'))).data.find((o) => o.checkout_session === s.id) as Obj;
    expect(await find()).toMatchObject({ status: 'open', payment_status: 'paid' });
    await ok(api.post(`/v1/payment_intents/${s.payment_intent as string}/cancel`, {}));
    const released = await find();
    expect(released).toMatchObject({ status: 'open', payment_status: 'unpaid' });
    expect((await eventTypes(api, 'limit=3')).slice(-3)).toEqual(['charge.refunded', 'payment_intent.canceled', 'order.updated']);
    // Completing it now records it as paid by other means, as for any unpaid order.
    expect(await ok(api.post(`/v1/orders/${released.id as string}/complete`, {}))).toMatchObject({ status: 'completed', payment_status: 'paid' });
    expect((await eventTypes(api, 'limit=2')).slice(-2)).toEqual(['order.paid', 'order.completed']);
  });

  it('an order-mode session creates its paid Order with the buyer’s addresses and shipping choice', async () => {
    const address = { line1: '5 Ship Rd', city: 'Portland', state: 'OR', postal_code: '97201', country: 'US' };
    const s = await embeddedSession(api, cat, {
      mode: 'order',
      line_items: [{ price: cat.price, quantity: 2 }, { price: cat.price2, quantity: 1 }],
      shipping_address_collection: { allowed_countries: ['US'] },
      shipping_options: [{ shipping_rate: cat.standard }, { shipping_rate: cat.express }],
      metadata: { channel: 'web' },
    });
    expect(s.mode).toBe('order');
    const view = await ok(
      confirm(clientApi(server), s, {
        payment_method: 'pm_card_visa',
        name: 'Grace',
        shipping_address: address,
        billing_address: { ...address, line1: '9 Bill Ave' },
        shipping_rate: cat.express,
      }),
    );
    expect(view).toMatchObject({ status: 'complete', payment_status: 'paid', amount_total: 6000 });
    const session = await ok(api.get(`/v1/checkout/sessions/${s.id as string}`));
    expect(session.customer).toMatch(/^cus_/);
    const orders = await ok(api.get<{ data: Obj[] }>(`/v1/orders?customer=${session.customer as string}`));
    expect(orders.data).toHaveLength(1);
    const order = orders.data[0] as Obj;
    expect(order).toMatchObject({
      status: 'open',
      payment_status: 'paid',
      fulfillment_status: 'unfulfilled',
      currency: 'usd',
      amount_subtotal: 4500,
      amount_shipping: 1500,
      amount_tax: 0,
      amount_total: 6000,
      customer: session.customer,
      checkout_session: s.id,
      payment_intent: s.payment_intent,
      shipping_address: { name: 'Grace', ...address, line2: null },
      billing_address: { name: 'Grace', ...address, line1: '9 Bill Ave', line2: null },
      shipping_method: { shipping_rate: cat.express, display_name: 'Express' },
      shipping_cost: 1500,
      metadata: { channel: 'web' },
    });
    expect((order.line_items as Obj[]).map((l) => [l.title, l.quantity, l.unit_price, l.amount, l.price])).toEqual([
      ['Tee', 2, 1000, 2000, cat.price],
      ['Tee', 1, 2500, 2500, cat.price2],
    ]);
    expect(await eventTypes(api, 'limit=6')).toEqual([
      'customer.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'order.created',
      'order.paid',
      'checkout.session.completed',
    ]);
    // Completing the order later marks it completed; it was paid already, so no second order.paid.
    await ok(api.post(`/v1/orders/${order.id as string}/complete`, {}));
    expect(await eventTypes(api, 'limit=1')).toEqual(['order.completed']);
  });
});
