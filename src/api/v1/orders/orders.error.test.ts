import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, expectError, type TestServer } from '../../../../test/harness.js';
import { ok, type Api, type Catalog, type Obj, startCheckoutServer } from '../checkout_sessions/checkout-fixtures.js';

describe.each(ENGINES)('orders bad input (%s)', (engine) => {
  let server: TestServer;
  let api: Api;
  let cat: Catalog;
  beforeAll(async () => {
    ({ server, api, cat } = await startCheckoutServer(engine));
  });
  afterAll(() => server.close());

  const countOrders = async () => Number((await server.store.db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n);

  it('refuses bad orders precisely and writes nothing', async () => {
    const archived = (await ok(api.post('/v1/prices', { product: cat.product, currency: 'usd', unit_amount: 100, active: false }))).id as string;
    const create = (body: Obj) => api.post('/v1/orders', { currency: 'usd', ...body });
    const line = { title: 'Tee', quantity: 1, unit_price: 100 };
    const cases: [Obj, number, string, string][] = [
      [{ line_items: [] }, 400, 'parameter_invalid', 'line_items'],
      [{ line_items: [{ ...line, quantity: 0 }] }, 400, 'parameter_invalid', 'line_items[0][quantity]'],
      [{ line_items: [{ title: 'x', quantity: 1 }] }, 400, 'parameter_missing', 'line_items[0][unit_price]'],
      [{ line_items: [{ quantity: 1, unit_price: 100 }] }, 400, 'parameter_missing', 'line_items[0][title]'],
      [{ line_items: [{ price: cat.price, unit_price: 5, quantity: 1 }] }, 400, 'parameter_invalid', 'line_items[0][unit_price]'],
      [{ line_items: [{ price: cat.eurPrice, quantity: 1 }] }, 400, 'parameter_invalid', 'line_items[0][price]'],
      [{ line_items: [{ price: archived, quantity: 1 }] }, 400, 'parameter_invalid', 'line_items[0][price]'],
      [{ line_items: [{ price: 'price_nope', quantity: 1 }] }, 404, 'resource_missing', 'line_items[0][price]'],
      [{ line_items: [{ product: 'prod_nope', unit_price: 1, quantity: 1 }] }, 404, 'resource_missing', 'line_items[0][product]'],
      [{ line_items: [{ ...line, unit_price: 99_999_999, quantity: 2 }] }, 400, 'amount_too_large', 'line_items[0][quantity]'],
      [{ line_items: [line], shipping_rate: cat.standard, shipping_cost: 5 }, 400, 'parameter_invalid', 'shipping_cost'],
      [{ line_items: [line], shipping_method: { display_name: 'Ground' } }, 400, 'parameter_missing', 'shipping_cost'],
      [{ line_items: [line], customer: 'cus_nope' }, 404, 'resource_missing', 'customer'],
      [{ line_items: [line], shipping_address: { country: 'USA' } }, 400, 'parameter_invalid', 'shipping_address[country]'],
      [{ line_items: [line], shipping_address: { line1: '1 Main St', country: 'ZZ' } }, 400, 'parameter_invalid', 'shipping_address[country]'],
      [{ line_items: [line], billing_address: { country: 'xx' } }, 400, 'parameter_invalid', 'billing_address[country]'],
      [{ line_items: [line], status: 'completed' }, 400, 'parameter_unknown', 'status'],
      [{ line_items: [line], currency: 'usdx' }, 400, 'parameter_invalid', 'currency'],
    ];
    const before = await countOrders();
    for (const [body, status, code, param] of cases) expectError(await create(body), status, code, param);
    expectError(await api.post('/v1/orders', { line_items: [line] }), 400, 'parameter_missing', 'currency');
    expect(await countOrders()).toBe(before);
    const order = await ok(create({ line_items: [line] }));
    expectError(await api.post(`/v1/orders/${order.id as string}`, { status: 'canceled' }), 400, 'parameter_unknown', 'status');
    expectError(await api.get('/v1/orders?status=paid'), 400, 'parameter_invalid', 'status');
    expectError(await api.get('/v1/orders?customer=xyz'), 400, 'parameter_invalid', 'customer');
    expectError(await api.post(`/v1/orders/${order.id as string}`, { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }), 400, 'parameter_invalid', 'metadata');
    expectError(await api.get('/v1/orders/ord_nope'), 404, 'resource_missing', 'id');
  });
});
