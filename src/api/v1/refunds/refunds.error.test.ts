import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

describe.each(ENGINES)('refunds: bad input (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  const paid = async (amount = 1_000) =>
    (await api.post('/v1/payment_intents', { amount, currency: 'usd', payment_method: 'pm_card_visa', confirm: true })).body;

  it('never refunds more than was captured', async () => {
    const pi = await paid(1_000);
    expectError(await api.post('/v1/refunds', { payment_intent: pi.id, amount: 1_001 }), 400, 'amount_too_large', 'amount');
    await api.post('/v1/refunds', { payment_intent: pi.id, amount: 600 });
    const err = expectError(await api.post('/v1/refunds', { payment_intent: pi.id, amount: 401 }), 400, 'amount_too_large', 'amount');
    expect(err.message).toContain('(400)');
    await api.post('/v1/refunds', { payment_intent: pi.id });
    const done = expectError(await api.post('/v1/refunds', { payment_intent: pi.id }), 400, 'amount_too_large', 'amount');
    expect(done.message).toContain('already been refunded in full');
    expect(((await api.get(`/v1/refunds?payment_intent=${pi.id as string}`)).body.data as unknown[]).length).toBe(2);
  });

  it.each([
    ['neither payment_intent nor charge', {}, 400, 'parameter_missing', 'payment_intent'],
    ['amount 0', { payment_intent: 'pi_x', amount: 0 }, 400, 'parameter_invalid', 'amount'],
    ['a negative amount', { payment_intent: 'pi_x', amount: -5 }, 400, 'parameter_invalid', 'amount'],
    ['a reason over 1000 characters', { payment_intent: 'pi_x', reason: 'r'.repeat(1001) }, 400, 'parameter_invalid', 'reason'],
    ['an unknown intent', { payment_intent: 'pi_unknown' }, 404, 'resource_missing', 'payment_intent'],
    ['an unknown charge', { charge: 'ch_unknown' }, 404, 'resource_missing', 'charge'],
    ['a charge id in payment_intent', { payment_intent: 'ch_abc' }, 400, 'parameter_invalid', 'payment_intent'],
  ])('%s → %i %s', async (_label, body, status, code, param) => {
    expectError(await api.post('/v1/refunds', body), status, code, param);
  });

  it('refuses a charge that does not belong to the named intent, and a failed charge', async () => {
    const a = await paid();
    const b = await paid();
    expectError(await api.post('/v1/refunds', { payment_intent: a.id, charge: b.latest_charge }), 400, 'parameter_invalid', 'charge');
    const declined = await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', payment_method: 'pm_card_declined', confirm: true });
    const failedCharge = ((declined.body as { error: { charge: string } }).error).charge;
    const intentId = ((declined.body as { error: { payment_intent: { id: string } } }).error).payment_intent.id;
    await api.post(`/v1/payment_intents/${intentId}/confirm`, { payment_method: 'pm_card_visa' });
    expectError(await api.post('/v1/refunds', { charge: failedCharge }), 400, 'parameter_invalid', 'charge');
  });

  it('updates only metadata', async () => {
    const pi = await paid();
    const refund = (await api.post('/v1/refunds', { payment_intent: pi.id })).body;
    expectError(await api.post(`/v1/refunds/${refund.id as string}`, { amount: 1 }), 400, 'parameter_unknown', 'amount');
    expectError(await api.post('/v1/refunds/ref_unknown', { metadata: { a: 'b' } }), 404, 'resource_missing', 'id');
  });
});
