import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

type List = { data: { id: string }[] };

describe.each(ENGINES)('shipping rates bad input (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  const snapshot = async () => ({
    rates: (await api.get<List>('/v1/shipping_rates?limit=100')).body.data.length,
    events: (await api.get<List>('/v1/events?limit=100')).body.data.length,
  });
  const create = (body: Record<string, unknown>) =>
    api.post('/v1/shipping_rates', { display_name: 'Ground', fixed_amount: { amount: 500, currency: 'usd' }, ...body });

  it('names each invalid field, writing nothing', async () => {
    const before = await snapshot();
    expectError(
      await api.post('/v1/shipping_rates', { fixed_amount: { amount: 1, currency: 'usd' } }),
      400,
      'parameter_missing',
      'display_name',
    );
    expectError(await create({ display_name: '' }), 400, 'parameter_invalid', 'display_name');
    expectError(await create({ display_name: 'x'.repeat(101) }), 400, 'parameter_invalid', 'display_name');
    expectError(
      await api.post('/v1/shipping_rates', { display_name: 'No amount' }),
      400,
      'parameter_missing',
      'fixed_amount',
    );
    expectError(await create({ type: 'calculated' }), 400, 'parameter_invalid', 'type');
    expectError(await create({ fixed_amount: { currency: 'usd' } }), 400, 'parameter_missing', 'fixed_amount[amount]');
    expectError(await create({ fixed_amount: { amount: 1 } }), 400, 'parameter_missing', 'fixed_amount[currency]');
    expectError(
      await create({ fixed_amount: { amount: -1, currency: 'usd' } }),
      400,
      'parameter_invalid',
      'fixed_amount[amount]',
    );
    expectError(
      await create({ fixed_amount: { amount: 1.5, currency: 'usd' } }),
      400,
      'parameter_invalid',
      'fixed_amount[amount]',
    );
    expectError(
      await create({ fixed_amount: { amount: 'five', currency: 'usd' } }),
      400,
      'parameter_invalid',
      'fixed_amount[amount]',
    );
    expectError(
      await create({ fixed_amount: { amount: 100_000_000, currency: 'usd' } }),
      400,
      'amount_too_large',
      'fixed_amount[amount]',
    );
    expectError(
      await create({ fixed_amount: { amount: 1, currency: 'USD' } }),
      400,
      'parameter_invalid',
      'fixed_amount[currency]',
    );
    expectError(
      await create({ fixed_amount: { amount: 1, currency: 'zzz' } }),
      400,
      'parameter_invalid',
      'fixed_amount[currency]',
    );
    expectError(
      await create({ delivery_estimate: { minimum: { unit: 'fortnight', value: 1 } } }),
      400,
      'parameter_invalid',
      'delivery_estimate[minimum][unit]',
    );
    expectError(
      await create({ delivery_estimate: { minimum: { unit: 'day' } } }),
      400,
      'parameter_missing',
      'delivery_estimate[minimum][value]',
    );
    expectError(
      await create({ delivery_estimate: { minimum: { unit: 'day', value: 0 } } }),
      400,
      'parameter_invalid',
      'delivery_estimate[minimum][value]',
    );
    expectError(
      await create({ delivery_estimate: { minimum: { unit: 'day', value: 9 }, maximum: { unit: 'day', value: 3 } } }),
      400,
      'parameter_invalid',
      'delivery_estimate[minimum][value]',
    );
    expectError(await create({ tax_behavior: 'both' }), 400, 'parameter_invalid', 'tax_behavior');
    expectError(await create({ tax_code: 'shipping' }), 400, 'parameter_invalid', 'tax_code');
    expectError(await create({ amount: 1 }), 400, 'parameter_unknown', 'amount');
    expect(await snapshot()).toEqual(before);
  });

  it('answers retrieve, update and list mistakes precisely', async () => {
    expectError(await api.get('/v1/shipping_rates/shr_nope'), 404, 'resource_missing', 'id');
    expectError(await api.post('/v1/shipping_rates/shr_nope', { active: false }), 404, 'resource_missing', 'id');
    const id = (await create({ tax_behavior: 'inclusive' })).body.id as string;
    const before = await snapshot();
    expectError(
      await api.post(`/v1/shipping_rates/${id}`, { fixed_amount: { amount: 1, currency: 'usd' } }),
      400,
      'parameter_unknown',
      'fixed_amount',
    );
    expectError(
      await api.post(`/v1/shipping_rates/${id}`, { display_name: 'Renamed' }),
      400,
      'parameter_unknown',
      'display_name',
    );
    expectError(
      await api.post(`/v1/shipping_rates/${id}`, { tax_behavior: 'exclusive' }),
      400,
      'parameter_invalid',
      'tax_behavior',
    );
    expectError(await api.post(`/v1/shipping_rates/${id}`, { active: 'no' }), 400, 'parameter_invalid', 'active');
    expect(await snapshot()).toEqual(before);
    expectError(await api.get(`/v1/shipping_rates/${id}?expand[]=fixed_amount`), 400, 'parameter_invalid', 'expand');
    expectError(await api.get('/v1/shipping_rates?currency=EUR'), 400, 'parameter_invalid', 'currency');
    expectError(await api.get('/v1/shipping_rates?active=sometimes'), 400, 'parameter_invalid', 'active');
    expectError(
      await api.get('/v1/shipping_rates?starting_after=shr_nope'),
      400,
      'parameter_invalid',
      'starting_after',
    );
  });
});
