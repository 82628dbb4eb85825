import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

type List = { data: { id: string }[] };

describe.each(ENGINES)('shipping rates security (%s)', (engine) => {
  let server: TestServer;
  let mine: ReturnType<typeof client>;
  let rate: string;
  beforeAll(async () => {
    server = await startTestServer(engine);
    mine = client(server, server.merchant.keys.sk_test);
    rate = (
      await mine.post('/v1/shipping_rates', { display_name: 'Ground', fixed_amount: { amount: 500, currency: 'usd' } })
    ).body.id as string;
  });
  afterAll(() => server.close());

  it('requires a secret key', async () => {
    const pk = client(server, server.merchant.keys.pk_test);
    expectError(await pk.get('/v1/shipping_rates'), 401, 'secret_key_required');
    expectError(await pk.get(`/v1/shipping_rates/${rate}`), 401, 'secret_key_required');
    expectError(
      await pk.post('/v1/shipping_rates', { display_name: 'x', fixed_amount: { amount: 1, currency: 'usd' } }),
      401,
      'secret_key_required',
    );
    expectError(await pk.post(`/v1/shipping_rates/${rate}`, { active: false }), 401, 'secret_key_required');
  });

  it('hides the rate from another merchant and from the other mode', async () => {
    for (const key of [server.other.keys.sk_test, server.merchant.keys.sk_live]) {
      const api = client(server, key);
      expectError(await api.get(`/v1/shipping_rates/${rate}`), 404, 'resource_missing', 'id');
      expectError(await api.post(`/v1/shipping_rates/${rate}`, { active: false }), 404, 'resource_missing', 'id');
      expect((await api.get<List>('/v1/shipping_rates')).body.data).toEqual([]);
      expectError(
        await api.get(`/v1/shipping_rates?starting_after=${rate}`),
        400,
        'parameter_invalid',
        'starting_after',
      );
    }
    expect((await mine.get(`/v1/shipping_rates/${rate}`)).body.active).toBe(true);
    const liveRate = await client(server, server.merchant.keys.sk_live).post('/v1/shipping_rates', {
      display_name: 'Live',
      fixed_amount: { amount: 1, currency: 'usd' },
    });
    expect(liveRate.body.livemode).toBe(true);
    expectError(await mine.get(`/v1/shipping_rates/${liveRate.body.id as string}`), 404, 'resource_missing', 'id');
  });

  it('guards Idempotency-Keys', async () => {
    const body = { display_name: 'Keyed', fixed_amount: { amount: 100, currency: 'usd' } };
    expect((await mine.post('/v1/shipping_rates', body, { idempotencyKey: 'shr-key' })).status).toBe(200);
    expectError(
      await mine.post('/v1/shipping_rates', { ...body, display_name: 'Changed' }, { idempotencyKey: 'shr-key' }),
      422,
      'idempotency_key_reused',
    );
    expectError(
      await mine.post(`/v1/shipping_rates/${rate}`, { active: false }, { idempotencyKey: 'shr-key' }),
      422,
      'idempotency_key_reused',
    );
    expectError(
      await mine.post('/v1/shipping_rates', { display_name: 'No amount' }, { idempotencyKey: 'shr-key-2' }),
      400,
      'parameter_missing',
      'fixed_amount',
    );
    expect((await mine.post('/v1/shipping_rates', body, { idempotencyKey: 'shr-key-2' })).status).toBe(200);
    expect((await mine.get(`/v1/shipping_rates/${rate}`)).body.active).toBe(true);
  });
});
