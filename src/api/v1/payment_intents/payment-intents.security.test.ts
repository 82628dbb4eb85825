import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

type Obj = Record<string, unknown>;

describe.each(ENGINES)('payments security (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let other: ReturnType<typeof client>;
  let live: ReturnType<typeof client>;
  let publishable: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
    other = client(server, server.other.keys.sk_test);
    live = client(server, server.merchant.keys.sk_live);
    publishable = client(server, server.merchant.keys.pk_test);
  });
  afterAll(() => server.close());

  async function fixtures() {
    const customer = (await api.post('/v1/customers', {})).body.id as string;
    const paid = (await api.post('/v1/payment_intents', { amount: 2_000, currency: 'usd', customer, payment_method: 'pm_card_visa', confirm: true })).body;
    const held = (await api.post('/v1/payment_intents', { amount: 2_000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual' })).body;
    const open = (await api.post('/v1/payment_intents', { amount: 2_000, currency: 'usd' })).body;
    const refund = (await api.post('/v1/refunds', { payment_intent: paid.id, amount: 100 })).body;
    const pm = (await api.post('/v1/payment_methods', { type: 'card', card: { number: '5555555555554444', exp_month: 1, exp_year: 2040 }, customer })).body;
    const si = (await api.post('/v1/setup_intents', { customer })).body;
    return { customer, paid, held, open, refund, pm, si };
  }

  it('objects of another merchant or of the other mode answer 404 resource_missing, and nothing changes', async () => {
    const f = await fixtures();
    for (const intruder of [other, live]) {
      const reads = [
        `/v1/payment_intents/${f.paid.id as string}`,
        `/v1/charges/${f.paid.latest_charge as string}`,
        `/v1/refunds/${f.refund.id as string}`,
        `/v1/payment_methods/${f.pm.id as string}`,
        `/v1/setup_intents/${f.si.id as string}`,
      ];
      for (const path of reads) expectError(await intruder.get(path), 404, 'resource_missing', 'id');
      const writes: [string, Obj][] = [
        [`/v1/payment_intents/${f.open.id as string}`, { metadata: { x: 'y' } }],
        [`/v1/payment_intents/${f.open.id as string}/confirm`, { payment_method: 'pm_card_visa' }],
        [`/v1/payment_intents/${f.held.id as string}/capture`, {}],
        [`/v1/payment_intents/${f.held.id as string}/cancel`, {}],
        [`/v1/payment_intents/${f.paid.id as string}/refund`, {}],
        [`/v1/refunds/${f.refund.id as string}`, { metadata: { x: 'y' } }],
        [`/v1/payment_methods/${f.pm.id as string}/detach`, {}],
        [`/v1/setup_intents/${f.si.id as string}/cancel`, {}],
      ];
      for (const [path, body] of writes) {
        const res = await intruder.post(path, body);
        expect(res.status, `${path}: ${res.text}`).toBe(404);
        expect((res.body as { error: Obj }).error.code).toBe('resource_missing');
      }
      expectError(await intruder.post('/v1/refunds', { payment_intent: f.paid.id }), 404, 'resource_missing', 'payment_intent');
      expectError(await intruder.post('/v1/refunds', { charge: f.paid.latest_charge }), 404, 'resource_missing', 'charge');
      // Lists and filters show none of it.
      for (const path of ['/v1/payment_intents', '/v1/charges', '/v1/refunds', '/v1/payment_methods', `/v1/charges?payment_intent=${f.paid.id as string}`]) {
        expect((await intruder.get(path)).body.data).toEqual([]);
      }
    }
    // The owner sees everything untouched.
    expect((await api.get(`/v1/payment_intents/${f.held.id as string}`)).body.status).toBe('requires_capture');
    expect((await api.get(`/v1/payment_intents/${f.open.id as string}`)).body.metadata).toEqual({});
    expect((await api.get(`/v1/charges/${f.paid.latest_charge as string}`)).body.amount_refunded).toBe(100);
    expect((await api.get(`/v1/payment_methods/${f.pm.id as string}`)).body.customer).toBe(f.customer);
  });

  it('a payment method or customer of another merchant or mode cannot be used (404 naming the parameter)', async () => {
    const f = await fixtures();
    const foreignPm = (await other.post('/v1/payment_methods', { type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2040 } })).body.id as string;
    expectError(await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', payment_method: foreignPm }), 404, 'resource_missing', 'payment_method');
    expectError(await api.post(`/v1/payment_intents/${f.open.id as string}/confirm`, { payment_method: foreignPm }), 404, 'resource_missing', 'payment_method');
    expectError(await api.post('/v1/payment_methods', { payment_method: foreignPm, customer: f.customer }), 404, 'resource_missing', 'payment_method');
    expectError(await api.post('/v1/setup_intents', { customer: f.customer, payment_method: foreignPm }), 404, 'resource_missing', 'payment_method');
    // Test-mode objects are invisible to live keys, and the shared test ids only exist in test mode.
    expectError(await live.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', payment_method: f.pm.id }), 404, 'resource_missing', 'payment_method');
    expectError(await live.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', payment_method: 'pm_card_visa' }), 404, 'resource_missing', 'payment_method');
    expectError(await live.get('/v1/payment_methods/pm_card_visa'), 404, 'resource_missing', 'id');
    expectError(await other.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', customer: f.customer }), 404, 'resource_missing', 'customer');
    expectError(await live.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', customer: f.customer }), 404, 'resource_missing', 'customer');
    // Another merchant may use the shared test ids too.
    expect((await other.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true })).body.status).toBe('succeeded');
  });

  it('publishable keys cannot call any of these endpoints (401)', async () => {
    const f = await fixtures();
    const gets = ['/v1/payment_intents', `/v1/payment_intents/${f.paid.id as string}`, '/v1/charges', `/v1/charges/${f.paid.latest_charge as string}`, '/v1/refunds',
      `/v1/refunds/${f.refund.id as string}`, '/v1/payment_methods', '/v1/payment_methods/pm_card_visa', `/v1/setup_intents/${f.si.id as string}`, '/v1/setup_intents'];
    for (const path of gets) expectError(await publishable.get(path), 401, 'secret_key_required');
    const posts: [string, Obj][] = [
      ['/v1/payment_intents', { amount: 1_000, currency: 'usd' }],
      [`/v1/payment_intents/${f.open.id as string}/confirm`, { payment_method: 'pm_card_visa' }],
      [`/v1/payment_intents/${f.held.id as string}/capture`, {}],
      [`/v1/payment_intents/${f.open.id as string}/cancel`, {}],
      [`/v1/payment_intents/${f.paid.id as string}/refund`, {}],
      ['/v1/refunds', { payment_intent: f.paid.id }],
      ['/v1/payment_methods', { payment_method: 'pm_card_visa', customer: f.customer }],
      ['/v1/setup_intents', { customer: f.customer }],
    ];
    for (const [path, body] of posts) expectError(await publishable.post(path, body), 401, 'secret_key_required');
    expect((await api.get(`/v1/payment_intents/${f.held.id as string}`)).body.status).toBe('requires_capture');
  });

  it('replays of confirm, capture and refund are byte-identical and move money once', async () => {
    // Confirm (success).
    const pi = (await api.post('/v1/payment_intents', { amount: 3_000, currency: 'usd', payment_method: 'pm_card_visa' })).body.id as string;
    const first = await api.post(`/v1/payment_intents/${pi}/confirm`, {}, { idempotencyKey: `confirm-${pi}` });
    const replay = await api.post(`/v1/payment_intents/${pi}/confirm`, {}, { idempotencyKey: `confirm-${pi}` });
    expect(replay.status).toBe(200);
    expect(replay.text).toBe(first.text);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await api.get(`/v1/charges?payment_intent=${pi}`)).body.data as unknown[]).length).toBe(1);

    // Confirm (decline): the 402 is stored and replayed; one failed charge.
    const d = (await api.post('/v1/payment_intents', { amount: 3_000, currency: 'usd', payment_method: 'pm_card_insufficient_funds' })).body.id as string;
    const declined = await api.post(`/v1/payment_intents/${d}/confirm`, {}, { idempotencyKey: `decline-${d}` });
    const declinedAgain = await api.post(`/v1/payment_intents/${d}/confirm`, {}, { idempotencyKey: `decline-${d}` });
    expect(declined.status).toBe(402);
    expect(declinedAgain.status).toBe(402);
    expect(declinedAgain.text).toBe(declined.text);
    expect(((await api.get(`/v1/charges?payment_intent=${d}`)).body.data as unknown[]).length).toBe(1);

    // Capture.
    const h = (await api.post('/v1/payment_intents', { amount: 3_000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual' })).body.id as string;
    const cap = await api.post(`/v1/payment_intents/${h}/capture`, { amount_to_capture: 1_000 }, { idempotencyKey: `cap-${h}` });
    const capAgain = await api.post(`/v1/payment_intents/${h}/capture`, { amount_to_capture: 1_000 }, { idempotencyKey: `cap-${h}` });
    expect(capAgain.text).toBe(cap.text);
    expect(((await api.get(`/v1/events?payment_intent=${h}&type=charge.captured`)).body.data as unknown[]).length).toBe(1);

    // Refund.
    const r1 = await api.post('/v1/refunds', { payment_intent: pi, amount: 500 }, { idempotencyKey: `refund-${pi}` });
    const r2 = await api.post('/v1/refunds', { payment_intent: pi, amount: 500 }, { idempotencyKey: `refund-${pi}` });
    expect(r2.text).toBe(r1.text);
    expect(r2.headers.get('idempotent-replayed')).toBe('true');
    expect((await api.get(`/v1/charges?payment_intent=${pi}`)).body.data).toMatchObject([{ amount_refunded: 500 }]);
    expect(((await api.get(`/v1/refunds?payment_intent=${pi}`)).body.data as unknown[]).length).toBe(1);

    // The same key with different parameters is refused.
    expectError(await api.post('/v1/refunds', { payment_intent: pi, amount: 600 }, { idempotencyKey: `refund-${pi}` }), 422, 'idempotency_key_reused');
  });

  it('a concurrent duplicate confirm runs once', async () => {
    const pi = (await api.post('/v1/payment_intents', { amount: 3_000, currency: 'usd', payment_method: 'pm_card_visa' })).body.id as string;
    const results = await Promise.all(Array.from({ length: 4 }, () => api.post(`/v1/payment_intents/${pi}/confirm`, {}, { idempotencyKey: `dup-${pi}` })));
    for (const r of results) expect([200, 409]).toContain(r.status);
    const ok = results.filter((r) => r.status === 200);
    expect(new Set(ok.map((r) => r.text)).size).toBe(1);
    expect(((await api.get(`/v1/charges?payment_intent=${pi}`)).body.data as unknown[]).length).toBe(1);
  });

  it('live mode without a configured processor refuses to move money with a clear error, writing nothing', async () => {
    const created = await live.post('/v1/payment_intents', { amount: 1_000, currency: 'usd' });
    expect(created.status).toBe(200);
    expect(created.body.livemode).toBe(true);
    const err = expectError(
      await live.post(`/v1/payment_intents/${created.body.id as string}/confirm`, {
        payment_method_data: { type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2040 } },
      }),
      400,
      'live_processor_unconfigured',
    );
    expect(err.message).toContain('no');
    expectError(
      await live.post('/v1/payment_intents', {
        amount: 1_000,
        currency: 'usd',
        confirm: true,
        payment_method_data: { type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2040 } },
      }),
      400,
      'live_processor_unconfigured',
    );
    expectError(await live.post('/v1/payment_methods', { type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2040 } }), 400, 'live_processor_unconfigured');
    expect(((await live.get('/v1/payment_intents')).body.data as unknown[]).length).toBe(1);
    expect((await live.get('/v1/payment_methods')).body.data).toEqual([]);
    expect((await live.get(`/v1/payment_intents/${created.body.id as string}`)).body.status).toBe('requires_payment_method');
  });
});
