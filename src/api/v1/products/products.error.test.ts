import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

type List = { data: { id: string }[] };

describe.each(ENGINES)('products bad input (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  const snapshot = async () => ({
    prices: (await api.get<List>('/v1/prices?limit=100')).body.data.length,
    products: (await api.get<List>('/v1/products?limit=100')).body.data.length,
    events: (await api.get<List>('/v1/events?limit=100')).body.data.length,
  });
  const create = (body: Record<string, unknown>) => api.post('/v1/products', { name: 'P', ...body });

  it('names each invalid product field, writing nothing', async () => {
    const before = await snapshot();
    expectError(await api.post('/v1/products', {}), 400, 'parameter_missing', 'name');
    expectError(await create({ name: '' }), 400, 'parameter_invalid', 'name');
    expectError(await create({ name: 'x'.repeat(5001) }), 400, 'parameter_invalid', 'name');
    expectError(await create({ images: ['not a url'] }), 400, 'parameter_invalid', 'images[0]');
    expectError(
      await create({ images: Array.from({ length: 9 }, (_, i) => `https://example.com/${i}.png`) }),
      400,
      'parameter_invalid',
      'images',
    );
    expectError(
      await create({ marketing_features: Array.from({ length: 16 }, (_, i) => ({ name: `f${i}` })) }),
      400,
      'parameter_invalid',
      'marketing_features',
    );
    expectError(await create({ marketing_features: [{}] }), 400, 'parameter_missing', 'marketing_features[0][name]');
    expectError(
      await create({ statement_descriptor: 'X'.repeat(23) }),
      400,
      'parameter_invalid',
      'statement_descriptor',
    );
    expectError(await create({ statement_descriptor: 'BAD <TAG>' }), 400, 'parameter_invalid', 'statement_descriptor');
    expectError(await create({ statement_descriptor: '123456' }), 400, 'parameter_invalid', 'statement_descriptor');
    expectError(await create({ tax_code: 'general' }), 400, 'parameter_invalid', 'tax_code');
    expectError(await create({ unit_label: 'x'.repeat(13) }), 400, 'parameter_invalid', 'unit_label');
    expectError(await create({ url: 'ftp://example.com' }), 400, 'parameter_invalid', 'url');
    expectError(await create({ url: 'example' }), 400, 'parameter_invalid', 'url');
    expectError(await create({ shippable: 'maybe' }), 400, 'parameter_invalid', 'shippable');
    expectError(await create({ active: 'yes' }), 400, 'parameter_invalid', 'active');
    expectError(
      await create({ package_dimensions: { height: 1, length: 1, width: 1 } }),
      400,
      'parameter_missing',
      'package_dimensions[weight]',
    );
    expectError(
      await create({ package_dimensions: { height: 0, length: 1, width: 1, weight: 1 } }),
      400,
      'parameter_invalid',
      'package_dimensions[height]',
    );
    expectError(
      await create({ package_dimensions: { height: 1.234, length: 1, width: 1, weight: 1 } }),
      400,
      'parameter_invalid',
      'package_dimensions[height]',
    );
    expectError(
      await create({ package_dimensions: { height: 'tall', length: 1, width: 1, weight: 1 } }),
      400,
      'parameter_invalid',
      'package_dimensions[height]',
    );
    expectError(await create({ metadata: { k: 1 } }), 400, 'parameter_invalid', 'metadata[k]');
    expectError(await create({ type: 'good' }), 400, 'parameter_unknown', 'type');
    expect(await snapshot()).toEqual(before);
  });

  it('checks default_price_data like a price, naming it, and creates neither product nor price when it is wrong', async () => {
    const before = await snapshot();
    const withPrice = (d: Record<string, unknown>) => create({ default_price_data: d });
    expectError(
      await withPrice({ currency: 'USD', unit_amount: 100 }),
      400,
      'parameter_invalid',
      'default_price_data[currency]',
    );
    expectError(
      await withPrice({ currency: 'abc', unit_amount: 100 }),
      400,
      'parameter_invalid',
      'default_price_data[currency]',
    );
    expectError(await withPrice({ unit_amount: 100 }), 400, 'parameter_missing', 'default_price_data[currency]');
    expectError(await withPrice({ currency: 'usd' }), 400, 'parameter_missing', 'default_price_data[unit_amount]');
    expectError(
      await withPrice({ currency: 'usd', unit_amount: -5 }),
      400,
      'parameter_invalid',
      'default_price_data[unit_amount]',
    );
    expectError(
      await withPrice({ currency: 'usd', unit_amount: 1.5 }),
      400,
      'parameter_invalid',
      'default_price_data[unit_amount]',
    );
    expectError(
      await withPrice({ currency: 'usd', unit_amount: '12abc' }),
      400,
      'parameter_invalid',
      'default_price_data[unit_amount]',
    );
    expectError(
      await withPrice({ currency: 'usd', unit_amount: 100_000_000 }),
      400,
      'amount_too_large',
      'default_price_data[unit_amount]',
    );
    expectError(
      await withPrice({ currency: 'usd', unit_amount: 1, unit_amount_decimal: '1' }),
      400,
      'parameter_invalid',
      'default_price_data[unit_amount_decimal]',
    );
    expectError(
      await withPrice({ currency: 'usd', unit_amount: 1, recurring: { interval: 'month', interval_count: 13 } }),
      400,
      'parameter_invalid',
      'default_price_data[recurring][interval_count]',
    );
    expectError(
      await withPrice({ currency: 'usd', unit_amount: 1, recurring: {} }),
      400,
      'parameter_missing',
      'default_price_data[recurring][interval]',
    );
    expectError(
      await withPrice({ currency: 'usd', custom_unit_amount: { enabled: true, minimum: 1 } }),
      400,
      'parameter_invalid',
      'default_price_data[custom_unit_amount][minimum]',
    );
    expectError(
      await withPrice({ currency: 'usd', unit_amount: 1, lookup_key: 'k' }),
      400,
      'parameter_unknown',
      'default_price_data[lookup_key]',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('answers update mistakes precisely', async () => {
    expectError(await api.post('/v1/products/prod_nope', { name: 'x' }), 404, 'resource_missing', 'id');
    const a = await create({ name: 'A', default_price_data: { currency: 'usd', unit_amount: 100 } });
    const b = await create({ name: 'B', default_price_data: { currency: 'usd', unit_amount: 200 } });
    const id = a.body.id as string;
    const before = await snapshot();
    expectError(await api.post(`/v1/products/${id}`, { name: null }), 400, 'parameter_invalid', 'name');
    expectError(await api.post(`/v1/products/${id}`, { name: '' }), 400, 'parameter_invalid', 'name');
    expectError(
      await api.post(`/v1/products/${id}`, { package_dimensions: { height: 1.5 } }),
      400,
      'parameter_missing',
      'package_dimensions[length]',
    );
    expectError(await api.post(`/v1/products/${id}`, { package_dimensions: 'tall' }), 400, 'parameter_invalid', 'package_dimensions');
    expectError(
      await api.post(`/v1/products/${id}`, { default_price: b.body.default_price }),
      400,
      'parameter_invalid',
      'default_price',
    );
    expectError(
      await api.post(`/v1/products/${id}`, { default_price: 'price_nope' }),
      404,
      'resource_missing',
      'default_price',
    );
    expectError(
      await api.post(`/v1/products/${id}`, { default_price: 'prod_x' }),
      400,
      'parameter_invalid',
      'default_price',
    );
    expectError(
      await api.post(`/v1/products/${id}`, { default_price_data: { currency: 'usd', unit_amount: 1 } }),
      400,
      'parameter_unknown',
      'default_price_data',
    );
    expect(await snapshot()).toEqual(before);

    // An archived price cannot become the default.
    const archived = await api.post('/v1/prices', { product: id, currency: 'usd', unit_amount: 300, active: false });
    const mid = await snapshot();
    expectError(
      await api.post(`/v1/products/${id}`, { default_price: archived.body.id }),
      400,
      'parameter_invalid',
      'default_price',
    );
    expect(await snapshot()).toEqual(mid);
  });

  it('refuses to delete a product that prices belong to, even archived ones', async () => {
    const p = await create({ name: 'Priced' });
    const id = p.body.id as string;
    const price = await api.post('/v1/prices', { product: id, currency: 'usd', unit_amount: 100 });
    await api.post(`/v1/prices/${price.body.id as string}`, { active: false });
    const before = await snapshot();
    const err = expectError(await api.del(`/v1/products/${id}`), 400, 'resource_in_use', 'id');
    expect(err.type).toBe('invalid_request_error');
    expect(await snapshot()).toEqual(before);
    expect((await api.get(`/v1/products/${id}`)).body).toMatchObject({ id, name: 'Priced' });

    const lone = (await create({ name: 'Lone' })).body.id as string;
    expect((await api.del(`/v1/products/${lone}`)).status).toBe(200);
    expectError(await api.del(`/v1/products/${lone}`), 404, 'resource_missing', 'id');
    expectError(await api.post(`/v1/products/${lone}`, { name: 'again' }), 404, 'resource_missing', 'id');
    expectError(
      await api.post('/v1/prices', { product: lone, currency: 'usd', unit_amount: 1 }),
      404,
      'resource_missing',
      'product',
    );
    expectError(await api.del('/v1/products/prod_nope'), 404, 'resource_missing', 'id');
  });

  it('never leaves a price on a deleted product when a delete races a price creation', async () => {
    for (let round = 0; round < 6; round++) {
      const id = (await create({ name: `Race ${round}` })).body.id as string;
      const [priced, deleted] = await Promise.all([
        api.post('/v1/prices', { product: id, currency: 'usd', unit_amount: 100 + round }),
        api.del(`/v1/products/${id}`),
      ]);
      if (priced.status === 200) {
        expectError(deleted, 400, 'resource_in_use', 'id');
        expect((await api.get(`/v1/products/${id}`)).body).toMatchObject({
          id,
          object: 'product',
          name: `Race ${round}`,
        });
      } else {
        expectError(priced, 404, 'resource_missing', 'product');
        expect(deleted.body).toEqual({ id, object: 'product', deleted: true });
        expect((await api.get<List>(`/v1/prices?product=${id}`)).body.data).toEqual([]);
      }
    }
  });

  it('answers retrieve and list mistakes precisely', async () => {
    expectError(await api.get('/v1/products/prod_nope'), 404, 'resource_missing', 'id');
    const id = (await create({})).body.id as string;
    expectError(await api.get(`/v1/products/${id}?expand[]=name`), 400, 'parameter_invalid', 'expand');
    expectError(await api.get('/v1/products?expand[]=default_price'), 400, 'parameter_invalid', 'expand');
    expectError(await api.get('/v1/products?active=maybe'), 400, 'parameter_invalid', 'active');
    expectError(await api.get('/v1/products?url=nope'), 400, 'parameter_invalid', 'url');
    expectError(await api.get('/v1/products?limit=101'), 400, 'parameter_invalid', 'limit');
    expectError(await api.get('/v1/products?ids[]=prod_ok&ids[]=not%20an%20id'), 400, 'parameter_invalid', 'ids[1]');
    expectError(await api.get('/v1/products?starting_after=prod_nope'), 400, 'parameter_invalid', 'starting_after');
    expectError(await api.get('/v1/products?colour=red'), 400, 'parameter_unknown', 'colour');
  });
});
