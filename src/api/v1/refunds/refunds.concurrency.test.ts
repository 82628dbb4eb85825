import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, startTestServer, type TestServer } from '../../../../test/harness.js';

type Obj = Record<string, unknown>;

/**
 * Concurrent refunds of the same payment run one after the other (the intent and its charge are locked on
 * PostgreSQL; SQLite serializes write transactions), so the total refunded never exceeds what was captured.
 */
describe.each(ENGINES)('refunds under concurrency (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  const paid = async (amount: number) =>
    (await api.post('/v1/payment_intents', { amount, currency: 'usd', payment_method: 'pm_card_visa', confirm: true })).body;

  it('two concurrent refunds of the remaining amount: exactly one succeeds, the other is a 400', async () => {
    for (let round = 0; round < 5; round++) {
      const pi = await paid(5_000);
      await api.post('/v1/refunds', { payment_intent: pi.id, amount: 1_000 });
      const results = await Promise.all([
        api.post('/v1/refunds', { payment_intent: pi.id }),
        api.post(`/v1/payment_intents/${pi.id as string}/refund`, {}),
      ]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 400]);
      const loser = results.find((r) => r.status === 400);
      expect((loser?.body as { error: Obj }).error).toMatchObject({ code: 'amount_too_large', param: 'amount' });
      const winner = results.find((r) => r.status === 200);
      expect(winner?.body.amount).toBe(4_000);
      const charge = (await api.get(`/v1/charges/${pi.latest_charge as string}`)).body;
      expect(charge).toMatchObject({ amount_refunded: 5_000, refunded: true });
    }
  });

  it('many concurrent partial refunds never exceed the captured amount', async () => {
    const pi = await paid(10_000);
    const results = await Promise.all(Array.from({ length: 8 }, () => api.post('/v1/refunds', { payment_intent: pi.id, amount: 3_000 })));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(3);
    expect(results.filter((r) => r.status === 400)).toHaveLength(5);
    const refunds = (await api.get(`/v1/refunds?payment_intent=${pi.id as string}&limit=100`)).body.data as Obj[];
    expect(refunds.reduce((sum, r) => sum + (r.amount as number), 0)).toBe(9_000);
    const charge = (await api.get(`/v1/charges/${pi.latest_charge as string}`)).body;
    expect(charge.amount_refunded).toBe(9_000);
  });

  it('concurrent captures of one authorization: exactly one moves money', async () => {
    const pi = (await api.post('/v1/payment_intents', { amount: 2_000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual' })).body;
    const results = await Promise.all([
      api.post(`/v1/payment_intents/${pi.id as string}/capture`, { amount_to_capture: 1_500 }),
      api.post(`/v1/payment_intents/${pi.id as string}/capture`, { amount_to_capture: 500 }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    const after = (await api.get(`/v1/payment_intents/${pi.id as string}`)).body;
    const winner = results.find((r) => r.status === 200);
    expect(after.amount_received).toBe(winner?.body.amount_received);
    const captures = ((await api.get(`/v1/events?payment_intent=${pi.id as string}&type=charge.captured`)).body.data as unknown[]).length;
    expect(captures).toBe(1);
  });
});
