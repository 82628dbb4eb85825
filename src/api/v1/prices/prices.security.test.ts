import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

type List = { data: { id: string; lookup_key?: string | null }[] };

describe.each(ENGINES)('prices security (%s)', (engine) => {
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
    product = (await mine.post('/v1/products', { name: 'Mine' })).body.id as string;
    price = (await mine.post('/v1/prices', { product, currency: 'usd', unit_amount: 500, lookup_key: 'shared_key' }))
      .body.id as string;
  });
  afterAll(() => server.close());

  const counts = async (api: ReturnType<typeof client>) => ({
    prices: (await api.get<List>('/v1/prices?limit=100')).body.data.length,
    products: (await api.get<List>('/v1/products?limit=100')).body.data.length,
    events: (await api.get<List>('/v1/events?limit=100')).body.data.length,
  });

  it('requires a secret key on every price endpoint', async () => {
    const pk = client(server, server.merchant.keys.pk_test);
    expectError(await pk.get('/v1/prices'), 401, 'secret_key_required');
    expectError(await pk.get(`/v1/prices/${price}`), 401, 'secret_key_required');
    expectError(await pk.post('/v1/prices', { product, currency: 'usd', unit_amount: 1 }), 401, 'secret_key_required');
    expectError(await pk.post(`/v1/prices/${price}`, { active: false }), 401, 'secret_key_required');
    const livePk = client(server, server.merchant.keys.pk_live);
    expectError(await livePk.get('/v1/prices'), 401, 'secret_key_required');
  });

  it("refuses another merchant's product in `product` like an unknown one, naming `product`, writing nothing", async () => {
    const before = { mine: await counts(mine), theirs: await counts(theirs) };
    const foreign = expectError(
      await theirs.post('/v1/prices', { product, currency: 'usd', unit_amount: 100 }),
      404,
      'resource_missing',
      'product',
    );
    const unknown = expectError(
      await theirs.post('/v1/prices', { product: 'prod_doesnotexist', currency: 'usd', unit_amount: 100 }),
      404,
      'resource_missing',
      'product',
    );
    expect(foreign.type).toBe(unknown.type);
    expect({ mine: await counts(mine), theirs: await counts(theirs) }).toEqual(before);
  });

  it('refuses a product of the other mode the same way', async () => {
    const before = await counts(live);
    expectError(
      await live.post('/v1/prices', { product, currency: 'usd', unit_amount: 100 }),
      404,
      'resource_missing',
      'product',
    );
    expect(await counts(live)).toEqual(before);
    const liveProduct = (await live.post('/v1/products', { name: 'Live' })).body.id as string;
    expectError(
      await mine.post('/v1/prices', { product: liveProduct, currency: 'usd', unit_amount: 100 }),
      404,
      'resource_missing',
      'product',
    );
    const livePrice = await live.post('/v1/prices', { product: liveProduct, currency: 'usd', unit_amount: 100 });
    expect(livePrice.body.livemode).toBe(true);
    expectError(await mine.get(`/v1/prices/${livePrice.body.id as string}`), 404, 'resource_missing', 'id');
    expectError(await live.get(`/v1/prices/${price}`), 404, 'resource_missing', 'id');
  });

  it("hides another merchant's prices from retrieve, update, filters, cursors and expand", async () => {
    expectError(await theirs.get(`/v1/prices/${price}`), 404, 'resource_missing', 'id');
    expectError(await theirs.get(`/v1/prices/${price}?expand[]=product`), 404, 'resource_missing', 'id');
    expectError(
      await theirs.post(`/v1/prices/${price}`, { active: false, metadata: { x: '1' } }),
      404,
      'resource_missing',
      'id',
    );
    expect((await theirs.get<List>(`/v1/prices?product=${product}`)).body.data).toEqual([]);
    expect((await theirs.get<List>('/v1/prices?lookup_keys[]=shared_key')).body.data).toEqual([]);
    expectError(await theirs.get(`/v1/prices?starting_after=${price}`), 400, 'parameter_invalid', 'starting_after');
    expect((await mine.get(`/v1/prices/${price}`)).body).toMatchObject({ active: true, metadata: {} });
  });

  it('scopes lookup keys to one merchant and mode; a transfer never reaches across', async () => {
    const theirProduct = (await theirs.post('/v1/products', { name: 'Theirs' })).body.id as string;
    const theirPrice = await theirs.post('/v1/prices', {
      product: theirProduct,
      currency: 'usd',
      unit_amount: 1,
      lookup_key: 'shared_key',
      transfer_lookup_key: true,
    });
    expect(theirPrice.status).toBe(200);
    expect(theirPrice.body.lookup_key).toBe('shared_key');
    expect((await mine.get(`/v1/prices/${price}`)).body.lookup_key).toBe('shared_key');

    const liveProduct = (await live.post('/v1/products', { name: 'Live keyed' })).body.id as string;
    const livePrice = await live.post('/v1/prices', {
      product: liveProduct,
      currency: 'usd',
      unit_amount: 1,
      lookup_key: 'shared_key',
    });
    expect(livePrice.status).toBe(200);
    expect((await mine.get<List>('/v1/prices?lookup_keys[]=shared_key')).body.data.map((p) => p.id)).toEqual([price]);
  });

  it('guards Idempotency-Keys on price writes', async () => {
    const body = { product, currency: 'usd', unit_amount: 700 };
    const first = await mine.post('/v1/prices', body, { idempotencyKey: 'price-key-1' });
    expect(first.status).toBe(200);
    const before = await counts(mine);
    expectError(
      await mine.post('/v1/prices', { ...body, unit_amount: 701 }, { idempotencyKey: 'price-key-1' }),
      422,
      'idempotency_key_reused',
    );
    expectError(
      await mine.post(`/v1/prices/${price}`, { nickname: 'x' }, { idempotencyKey: 'price-key-1' }),
      422,
      'idempotency_key_reused',
    );
    const replay = await mine.post('/v1/prices', body, { idempotencyKey: 'price-key-1' });
    expect(replay.text).toBe(first.text);
    expect(await counts(mine)).toEqual(before);

    // An update replays too: the second call changes nothing and records no event.
    const update = await mine.post(`/v1/prices/${price}`, { metadata: { n: '1' } }, { idempotencyKey: 'price-key-2' });
    const again = await mine.post(`/v1/prices/${price}`, { metadata: { n: '1' } }, { idempotencyKey: 'price-key-2' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(update.text);
    expect((await counts(mine)).events).toBe(before.events + 1);
  });
});
