import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

type List = { data: { id: string }[] };

describe.each(ENGINES)('prices bad input (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let product: string;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
    product = (await api.post('/v1/products', { name: 'Widget' })).body.id as string;
  });
  afterAll(() => server.close());

  /** Counts of what a request could have written: prices, products, events. */
  const snapshot = async () => ({
    prices: (await api.get<List>('/v1/prices?limit=100')).body.data.length,
    products: (await api.get<List>('/v1/products?limit=100')).body.data.length,
    events: (await api.get<List>('/v1/events?limit=100')).body.data.length,
  });
  const create = (body: Record<string, unknown>) => api.post('/v1/prices', { product, currency: 'usd', ...body });

  it('names the amount for 0-less rules, negatives, fractions, strings and values above the maximum', async () => {
    const before = await snapshot();
    expectError(await create({ unit_amount: -1 }), 400, 'parameter_invalid', 'unit_amount');
    expectError(await create({ unit_amount: 10.5 }), 400, 'parameter_invalid', 'unit_amount');
    expectError(await create({ unit_amount: '10.5' }), 400, 'parameter_invalid', 'unit_amount');
    expectError(await create({ unit_amount: 'ten' }), 400, 'parameter_invalid', 'unit_amount');
    expectError(await create({ unit_amount: true }), 400, 'parameter_invalid', 'unit_amount');
    expectError(await create({ unit_amount: 100_000_000 }), 400, 'amount_too_large', 'unit_amount');
    expectError(await create({}), 400, 'parameter_missing', 'unit_amount');
    expectError(
      await create({ unit_amount: 1, unit_amount_decimal: '1' }),
      400,
      'parameter_invalid',
      'unit_amount_decimal',
    );
    expectError(await create({ unit_amount_decimal: '-1' }), 400, 'parameter_invalid', 'unit_amount_decimal');
    expectError(
      await create({ unit_amount_decimal: '1.1234567890123' }),
      400,
      'parameter_invalid',
      'unit_amount_decimal',
    );
    expectError(await create({ unit_amount_decimal: '100000000.5' }), 400, 'amount_too_large', 'unit_amount_decimal');
    // The maximum bounds the whole value: a fraction past 99,999,999 is above it too.
    expectError(await create({ unit_amount_decimal: '99999999.001' }), 400, 'amount_too_large', 'unit_amount_decimal');
    expectError(await create({ unit_amount_decimal: 'abc' }), 400, 'parameter_invalid', 'unit_amount_decimal');
    expectError(
      await create({ billing_scheme: 'tiered', tiers_mode: 'graduated', tiers: [{ up_to: 'inf', unit_amount_decimal: '100000000' }] }),
      400,
      'amount_too_large',
      'tiers[0][unit_amount_decimal]',
    );
    // Custom amounts may not start below the currency's minimum charge (0 included).
    expectError(
      await create({ custom_unit_amount: { enabled: true, preset: 0 } }),
      400,
      'parameter_invalid',
      'custom_unit_amount[preset]',
    );
    expectError(
      await create({ custom_unit_amount: { enabled: true, minimum: 10 } }),
      400,
      'parameter_invalid',
      'custom_unit_amount[minimum]',
    );
    expectError(
      await create({ currency: 'jpy', custom_unit_amount: { enabled: true, minimum: 0 } }),
      400,
      'parameter_invalid',
      'custom_unit_amount[minimum]',
    );
    expectError(
      await create({ custom_unit_amount: { enabled: true, minimum: 1000, maximum: 500 } }),
      400,
      'parameter_invalid',
      'custom_unit_amount[maximum]',
    );
    expectError(
      await create({ custom_unit_amount: { enabled: true, maximum: 500, preset: 600 } }),
      400,
      'parameter_invalid',
      'custom_unit_amount[preset]',
    );
    expectError(
      await create({ custom_unit_amount: { enabled: true, maximum: 100_000_000 } }),
      400,
      'amount_too_large',
      'custom_unit_amount[maximum]',
    );
    expectError(
      await create({ custom_unit_amount: { enabled: true }, unit_amount: 100 }),
      400,
      'parameter_invalid',
      'unit_amount',
    );
    expectError(
      await create({ custom_unit_amount: { enabled: true }, recurring: { interval: 'month' } }),
      400,
      'parameter_invalid',
      'custom_unit_amount',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('refuses unknown and upper-case currencies', async () => {
    const upper = expectError(
      await create({ currency: 'USD', unit_amount: 100 }),
      400,
      'parameter_invalid',
      'currency',
    );
    expect(upper.message).toContain('lowercase');
    expectError(await create({ currency: 'xyz', unit_amount: 100 }), 400, 'parameter_invalid', 'currency');
    expectError(await create({ currency: 'us', unit_amount: 100 }), 400, 'parameter_invalid', 'currency');
    expectError(await create({ currency: 840, unit_amount: 100 }), 400, 'parameter_invalid', 'currency');
    expectError(await api.post('/v1/prices', { product, unit_amount: 100 }), 400, 'parameter_missing', 'currency');
  });

  it('needs a product: product or product_data, not both, not neither', async () => {
    const before = await snapshot();
    expectError(
      await api.post('/v1/prices', { currency: 'usd', unit_amount: 100 }),
      400,
      'parameter_missing',
      'product',
    );
    expectError(
      await api.post('/v1/prices', undefined, { form: 'currency=usd&unit_amount=100' }),
      400,
      'parameter_missing',
      'product',
    );
    expectError(
      await create({ unit_amount: 100, product_data: { name: 'X' } }),
      400,
      'parameter_invalid',
      'product_data',
    );
    expectError(
      await api.post('/v1/prices', { currency: 'usd', unit_amount: 100, product_data: {} }),
      400,
      'parameter_missing',
      'product_data[name]',
    );
    expectError(await create({ unit_amount: 100, product: 'prod_doesnotexist' }), 404, 'resource_missing', 'product');
    expectError(await create({ unit_amount: 100, product: 'price_123' }), 400, 'parameter_invalid', 'product');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a tiered price without tiers and malformed tiers', async () => {
    const before = await snapshot();
    const tiered = (body: Record<string, unknown>) =>
      create({ billing_scheme: 'tiered', tiers_mode: 'graduated', ...body });
    expectError(await tiered({}), 400, 'parameter_missing', 'tiers');
    expectError(await tiered({ tiers: [] }), 400, 'parameter_missing', 'tiers');
    expectError(
      await create({ billing_scheme: 'tiered', tiers: [{ up_to: 'inf', unit_amount: 1 }] }),
      400,
      'parameter_missing',
      'tiers_mode',
    );
    expectError(await tiered({ tiers: [{ up_to: 10, unit_amount: 5 }] }), 400, 'parameter_invalid', 'tiers[0][up_to]');
    expectError(
      await tiered({
        tiers: [
          { up_to: 'inf', unit_amount: 5 },
          { up_to: 'inf', unit_amount: 4 },
        ],
      }),
      400,
      'parameter_invalid',
      'tiers[0][up_to]',
    );
    expectError(
      await tiered({
        tiers: [
          { up_to: 10, unit_amount: 5 },
          { up_to: 5, unit_amount: 4 },
          { up_to: 'inf', unit_amount: 3 },
        ],
      }),
      400,
      'parameter_invalid',
      'tiers[1][up_to]',
    );
    expectError(
      await tiered({
        tiers: [
          { up_to: 0, unit_amount: 5 },
          { up_to: 'inf', unit_amount: 4 },
        ],
      }),
      400,
      'parameter_invalid',
      'tiers[0][up_to]',
    );
    expectError(
      await tiered({ tiers: [{ up_to: 'many', unit_amount: 5 }] }),
      400,
      'parameter_invalid',
      'tiers[0][up_to]',
    );
    expectError(await tiered({ tiers: [{ unit_amount: 5 }] }), 400, 'parameter_missing', 'tiers[0][up_to]');
    expectError(
      await tiered({ tiers: [{ up_to: 10 }, { up_to: 'inf', unit_amount: 4 }] }),
      400,
      'parameter_missing',
      'tiers[0][unit_amount]',
    );
    expectError(
      await tiered({ tiers: [{ up_to: 'inf', unit_amount: -4 }] }),
      400,
      'parameter_invalid',
      'tiers[0][unit_amount]',
    );
    expectError(
      await tiered({ tiers: [{ up_to: 'inf', unit_amount: 4, unit_amount_decimal: '4' }] }),
      400,
      'parameter_invalid',
      'tiers[0][unit_amount_decimal]',
    );
    expectError(
      await tiered({ tiers: [{ up_to: 'inf', flat_amount: 4, flat_amount_decimal: '4' }] }),
      400,
      'parameter_invalid',
      'tiers[0][flat_amount_decimal]',
    );
    expectError(
      await tiered({ tiers: [{ up_to: 'inf', unit_amount: 4, bogus: 1 }] }),
      400,
      'parameter_unknown',
      'tiers[0][bogus]',
    );
    expectError(
      await tiered({ tiers: [{ up_to: 'inf', unit_amount: 4 }], unit_amount: 5 }),
      400,
      'parameter_invalid',
      'unit_amount',
    );
    expectError(
      await tiered({ tiers: [{ up_to: 'inf', unit_amount: 4 }], transform_quantity: { divide_by: 2, round: 'up' } }),
      400,
      'parameter_invalid',
      'transform_quantity',
    );
    expectError(
      await tiered({ tiers_mode: 'stairs', tiers: [{ up_to: 'inf', unit_amount: 4 }] }),
      400,
      'parameter_invalid',
      'tiers_mode',
    );
    expectError(
      await create({ unit_amount: 4, tiers: [{ up_to: 'inf', unit_amount: 4 }] }),
      400,
      'parameter_invalid',
      'tiers',
    );
    expectError(
      await create({ billing_scheme: 'stepped', unit_amount: 4 }),
      400,
      'parameter_invalid',
      'billing_scheme',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a recurring price without recurring and bad recurrences', async () => {
    const before = await snapshot();
    expectError(await create({ unit_amount: 100, type: 'recurring' }), 400, 'parameter_missing', 'recurring');
    expectError(
      await create({ unit_amount: 100, type: 'one_time', recurring: { interval: 'month' } }),
      400,
      'parameter_invalid',
      'recurring',
    );
    expectError(await create({ unit_amount: 100, type: 'sometimes' }), 400, 'parameter_invalid', 'type');
    expectError(await create({ unit_amount: 100, recurring: {} }), 400, 'parameter_missing', 'recurring[interval]');
    expectError(
      await create({ unit_amount: 100, recurring: { interval: 'hour' } }),
      400,
      'parameter_invalid',
      'recurring[interval]',
    );
    expectError(
      await create({ unit_amount: 100, recurring: { interval: 'month', interval_count: 0 } }),
      400,
      'parameter_invalid',
      'recurring[interval_count]',
    );
    expectError(
      await create({ unit_amount: 100, recurring: { interval: 'year', interval_count: 2 } }),
      400,
      'parameter_invalid',
      'recurring[interval_count]',
    );
    expectError(
      await create({ unit_amount: 100, recurring: { interval: 'week', interval_count: 53 } }),
      400,
      'parameter_invalid',
      'recurring[interval_count]',
    );
    expectError(
      await create({ unit_amount: 100, recurring: { interval: 'month', usage_type: 'sometimes' } }),
      400,
      'parameter_invalid',
      'recurring[usage_type]',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('checks the remaining fields', async () => {
    const before = await snapshot();
    expectError(
      await create({ unit_amount: 1, transform_quantity: { divide_by: 0, round: 'up' } }),
      400,
      'parameter_invalid',
      'transform_quantity[divide_by]',
    );
    expectError(
      await create({ unit_amount: 1, transform_quantity: { divide_by: 2 } }),
      400,
      'parameter_missing',
      'transform_quantity[round]',
    );
    expectError(
      await create({ unit_amount: 1, transform_quantity: { round: 'up' } }),
      400,
      'parameter_missing',
      'transform_quantity[divide_by]',
    );
    expectError(
      await create({ custom_unit_amount: { minimum: 100 } }),
      400,
      'parameter_missing',
      'custom_unit_amount[enabled]',
    );
    expectError(await create({ unit_amount: 1, tax_behavior: 'sometimes' }), 400, 'parameter_invalid', 'tax_behavior');
    expectError(await create({ unit_amount: 1, lookup_key: 'k'.repeat(201) }), 400, 'parameter_invalid', 'lookup_key');
    expectError(await create({ unit_amount: 1, lookup_key: '' }), 400, 'parameter_invalid', 'lookup_key');
    expectError(
      await create({ unit_amount: 1, metadata: { fluveo_x: '1' } }),
      400,
      'parameter_invalid',
      'metadata[fluveo_x]',
    );
    expectError(await create({ unit_amount: 1, active: 'maybe' }), 400, 'parameter_invalid', 'active');
    expectError(await create({ unit_amount: 1, amount: 1 }), 400, 'parameter_unknown', 'amount');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a taken lookup key without transfer_lookup_key, and rolls back everything the request had done', async () => {
    await create({ unit_amount: 1, lookup_key: 'taken' });
    const before = await snapshot();
    expectError(await create({ unit_amount: 2, lookup_key: 'taken' }), 400, 'parameter_invalid', 'lookup_key');
    // product_data creates the product before the key is claimed: the refusal must undo it and its event.
    const res = await api.post('/v1/prices', {
      currency: 'usd',
      unit_amount: 2,
      lookup_key: 'taken',
      product_data: { name: 'Never' },
    });
    expectError(res, 400, 'parameter_invalid', 'lookup_key');
    expect(await snapshot()).toEqual(before);
  });

  it('answers retrieve, update and list mistakes precisely', async () => {
    expectError(await api.get('/v1/prices/price_nope'), 404, 'resource_missing', 'id');
    expectError(await api.post('/v1/prices/price_nope', { active: false }), 404, 'resource_missing', 'id');
    const price = (await create({ unit_amount: 100, tax_behavior: 'exclusive' })).body.id as string;
    expectError(await api.get(`/v1/prices/${price}?expand[]=currency`), 400, 'parameter_invalid', 'expand');
    expectError(await api.post(`/v1/prices/${price}`, { unit_amount: 200 }), 400, 'parameter_unknown', 'unit_amount');
    expectError(await api.post(`/v1/prices/${price}`, { currency: 'eur' }), 400, 'parameter_unknown', 'currency');
    expectError(
      await api.post(`/v1/prices/${price}`, { tax_behavior: 'inclusive' }),
      400,
      'parameter_invalid',
      'tax_behavior',
    );
    expectError(await api.post(`/v1/prices/${price}`, { lookup_key: 'taken' }), 400, 'parameter_invalid', 'lookup_key');
    // Same value is no change.
    expect((await api.post(`/v1/prices/${price}`, { tax_behavior: 'exclusive' })).status).toBe(200);

    const withDefault = await api.post('/v1/products', {
      name: 'Defaulted',
      default_price_data: { currency: 'usd', unit_amount: 100 },
    });
    const before = await snapshot();
    expectError(
      await api.post(`/v1/prices/${withDefault.body.default_price as string}`, { active: false }),
      400,
      'parameter_invalid',
      'active',
    );
    expect(await snapshot()).toEqual(before);

    expectError(await api.get('/v1/prices?currency=USD'), 400, 'parameter_invalid', 'currency');
    expectError(await api.get('/v1/prices?type=sometimes'), 400, 'parameter_invalid', 'type');
    expectError(await api.get('/v1/prices?active=maybe'), 400, 'parameter_invalid', 'active');
    expectError(await api.get('/v1/prices?expand[]=product'), 400, 'parameter_invalid', 'expand');
    expectError(
      await api.get(`/v1/prices?starting_after=${price}&ending_before=${price}`),
      400,
      'parameter_invalid',
      'ending_before',
    );
    const eleven = Array.from({ length: 11 }, (_, i) => `lookup_keys[]=k${i}`).join('&');
    expectError(await api.get(`/v1/prices?${eleven}`), 400, 'parameter_invalid', 'lookup_keys');
    expectError(await api.get('/v1/prices?colour=red'), 400, 'parameter_unknown', 'colour');
  });
});
