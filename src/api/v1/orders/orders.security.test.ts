import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, type TestServer } from '../../../../test/harness.js';
import { ok, type Api, type Catalog, type Obj, startCheckoutServer } from '../checkout_sessions/checkout-fixtures.js';

describe.each(ENGINES)('orders security (%s)', (engine) => {
  let server: TestServer;
  let api: Api;
  let cat: Catalog;
  beforeAll(async () => {
    ({ server, api, cat } = await startCheckoutServer(engine));
  });
  afterAll(() => server.close());

  it("another merchant's or mode's keys, and publishable keys, cannot reach an order", async () => {
    const order = await ok(api.post('/v1/orders', { currency: 'usd', line_items: [{ title: 'Tee', quantity: 1, unit_price: 100 }] }));
    const id = order.id as string;
    for (const key of [server.other.keys.sk_test, server.merchant.keys.sk_live]) {
      const stranger = client(server, key);
      expectError(await stranger.get(`/v1/orders/${id}`), 404, 'resource_missing', 'id');
      expectError(await stranger.post(`/v1/orders/${id}`, { metadata: { a: 'b' } }), 404, 'resource_missing', 'id');
      expectError(await stranger.post(`/v1/orders/${id}/cancel`, {}), 404, 'resource_missing', 'id');
      expectError(await stranger.post(`/v1/orders/${id}/complete`, {}), 404, 'resource_missing', 'id');
      expect((await ok(stranger.get<{ data: Obj[] }>('/v1/orders'))).data).toEqual([]);
      expectError(await stranger.get(`/v1/orders?starting_after=${id}`), 400, 'parameter_invalid', 'starting_after');
      const foreignPrice = await stranger.post('/v1/orders', { currency: 'usd', line_items: [{ price: cat.price, quantity: 1 }] });
      expectError(foreignPrice, 404, 'resource_missing', 'line_items[0][price]');
    }
    const pk = client(server, server.merchant.keys.pk_test);
    expectError(await pk.get(`/v1/orders/${id}`), 401, 'secret_key_required');
    expectError(await pk.post('/v1/orders', { currency: 'usd', line_items: [] }), 401, 'secret_key_required');
    expect((await ok(api.get(`/v1/orders/${id}`))).status).toBe('open');
  });
});
