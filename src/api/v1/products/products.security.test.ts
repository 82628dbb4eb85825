import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, request, startTestServer, type TestServer } from '../../../../test/harness.js';

type List = { data: { id: string }[] };

describe.each(ENGINES)('products security (%s)', (engine) => {
  let server: TestServer;
  let mine: ReturnType<typeof client>;
  let theirs: ReturnType<typeof client>;
  let live: ReturnType<typeof client>;
  let product: string;
  let price: string;
  beforeAll(async () => {
    server = await startTestServer(engine);
    mine = client(server, server.merchant.keys.sk_test);
    theirs = client(server, server.other.keys.sk_test);
    live = client(server, server.merchant.keys.sk_live);
    const created = await mine.post('/v1/products', {
      name: 'Mine',
      default_price_data: { currency: 'usd', unit_amount: 100 },
    });
    product = created.body.id as string;
    price = created.body.default_price as string;
  });
  afterAll(() => server.close());

  it('requires a secret key on every product endpoint', async () => {
    const pk = client(server, server.merchant.keys.pk_test);
    expectError(await pk.get('/v1/products'), 401, 'secret_key_required');
    expectError(await pk.get(`/v1/products/${product}`), 401, 'secret_key_required');
    expectError(await pk.post('/v1/products', { name: 'x' }), 401, 'secret_key_required');
    expectError(await pk.post(`/v1/products/${product}`, { name: 'x' }), 401, 'secret_key_required');
    expectError(await pk.del(`/v1/products/${product}`), 401, 'secret_key_required');
    expectError(await request(server, 'GET', '/v1/products'), 401, 'authentication_failed');
    expectError(
      await request(server, 'POST', '/v1/products', { body: { name: 'x' }, key: 'sk_test_forged' }),
      401,
      'authentication_failed',
    );
    expect((await mine.get<List>('/v1/products')).body.data.map((p) => p.id)).toEqual([product]);
  });

  it("answers another merchant's product exactly like an unknown one", async () => {
    const unknown = await theirs.get('/v1/products/prod_doesnotexist');
    const foreign = await theirs.get(`/v1/products/${product}`);
    expectError(foreign, 404, 'resource_missing', 'id');
    expect(Object.keys(foreign.body.error as object)).toEqual(Object.keys(unknown.body.error as object));
    expectError(await theirs.post(`/v1/products/${product}`, { name: 'stolen' }), 404, 'resource_missing', 'id');
    expectError(await theirs.del(`/v1/products/${product}`), 404, 'resource_missing', 'id');
    expect((await theirs.get<List>('/v1/products')).body.data).toEqual([]);
    expect((await theirs.get<List>(`/v1/products?ids[]=${product}`)).body.data).toEqual([]);
    expectError(await theirs.get(`/v1/products?starting_after=${product}`), 400, 'parameter_invalid', 'starting_after');
    // Their own product cannot take my price as its default.
    const own = (await theirs.post('/v1/products', { name: 'Theirs' })).body.id as string;
    expectError(
      await theirs.post(`/v1/products/${own}`, { default_price: price }),
      404,
      'resource_missing',
      'default_price',
    );
    // Nothing of mine changed.
    const after = await mine.get(`/v1/products/${product}`);
    expect(after.body).toMatchObject({ name: 'Mine', default_price: price });
  });

  it('keeps test and live mode apart', async () => {
    expectError(await live.get(`/v1/products/${product}`), 404, 'resource_missing', 'id');
    expectError(await live.post(`/v1/products/${product}`, { name: 'x' }), 404, 'resource_missing', 'id');
    expectError(await live.del(`/v1/products/${product}`), 404, 'resource_missing', 'id');
    const liveProduct = await live.post('/v1/products', { name: 'Live' });
    expect(liveProduct.body.livemode).toBe(true);
    expect((await live.get<List>('/v1/products')).body.data.map((p) => p.id)).toEqual([liveProduct.body.id]);
    expect((await mine.get<List>('/v1/products')).body.data.map((p) => p.id)).not.toContain(liveProduct.body.id);
    expectError(
      await live.post(`/v1/products/${liveProduct.body.id as string}`, { default_price: price }),
      404,
      'resource_missing',
      'default_price',
    );
    expectError(await mine.get(`/v1/products/${liveProduct.body.id as string}`), 404, 'resource_missing', 'id');
  });

  it('guards Idempotency-Keys: reuse with other parameters or another endpoint is refused, a refused request leaves the key free', async () => {
    const first = await mine.post('/v1/products', { name: 'Keyed' }, { idempotencyKey: 'products-key-1' });
    expect(first.status).toBe(200);
    expectError(
      await mine.post('/v1/products', { name: 'Other' }, { idempotencyKey: 'products-key-1' }),
      422,
      'idempotency_key_reused',
    );
    expectError(
      await mine.post('/v1/prices', { product, currency: 'usd', unit_amount: 1 }, { idempotencyKey: 'products-key-1' }),
      422,
      'idempotency_key_reused',
    );
    // Another merchant's key space is separate.
    expect((await theirs.post('/v1/products', { name: 'Other' }, { idempotencyKey: 'products-key-1' })).status).toBe(
      200,
    );

    expectError(
      await mine.post('/v1/products', { name: '' }, { idempotencyKey: 'products-key-2' }),
      400,
      'parameter_invalid',
      'name',
    );
    const retried = await mine.post('/v1/products', { name: 'Fixed' }, { idempotencyKey: 'products-key-2' });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();

    expectError(
      await mine.post('/v1/products', { name: 'x' }, { idempotencyKey: null }),
      400,
      'parameter_missing',
      'Idempotency-Key',
    );
    const named = (await mine.get<{ data: { name: string }[] }>('/v1/products?limit=100')).body.data.map((p) => p.name);
    expect(named.filter((n) => n === 'Keyed')).toHaveLength(1);
    expect(named).not.toContain('Other');
    expect(named).not.toContain('x');
  });
});
