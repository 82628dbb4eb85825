import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type ApiResponse, type TestServer } from '../../../../test/harness.js';
import { DECLINE_DESCRIPTIONS, type DeclineCode } from '../../../domain/processor/processor.js';

type Obj = Record<string, unknown>;

/** Every documented test payment method id and test card number, with the outcome it must produce. */
const TEST_IDS: [string, string][] = [
  ['pm_card_visa', 'succeeded'],
  ['pm_card_declined', 'generic_decline'],
  ['pm_card_insufficient_funds', 'insufficient_funds'],
  ['pm_card_expired', 'expired_card'],
  ['pm_card_3ds_required', 'requires_action'],
  ['pm_card_visa_debit', 'succeeded'],
  ['pm_card_mastercard', 'succeeded'],
  ['pm_card_amex', 'succeeded'],
  ['pm_card_lost_card', 'lost_card'],
  ['pm_card_stolen_card', 'stolen_card'],
  ['pm_card_incorrect_cvc', 'incorrect_cvc'],
  ['pm_card_processing_error', 'processing_error'],
  ['pm_card_do_not_honor', 'do_not_honor'],
];

const TEST_NUMBERS: [string, string, string][] = [
  ['4242424242424242', 'visa', 'succeeded'],
  ['5555555555554444', 'mastercard', 'succeeded'],
  ['378282246310005', 'amex', 'succeeded'],
  ['6011111111111117', 'discover', 'succeeded'],
  ['4000000000000002', 'visa', 'generic_decline'],
  ['4000000000009995', 'visa', 'insufficient_funds'],
  ['4000000000009987', 'visa', 'lost_card'],
  ['4000000000009979', 'visa', 'stolen_card'],
  ['4000000000000069', 'visa', 'expired_card'],
  ['4000000000000127', 'visa', 'incorrect_cvc'],
  ['4000000000000119', 'visa', 'processing_error'],
  ['4000000000000200', 'visa', 'do_not_honor'],
  ['4000002760003184', 'visa', 'requires_action'],
  ['4000000000003220', 'visa', 'requires_action'],
];

describe.each(ENGINES)('test cards (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  function expectOutcome(res: ApiResponse, outcome: string) {
    if (outcome === 'succeeded' || outcome === 'requires_action') {
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(outcome);
      return;
    }
    const err = expectError(res, 402, 'card_declined', null);
    // Every decline says "Your card was declined." (the decline-codes page's example); decline_code says why.
    expect(err).toMatchObject({ type: 'payment_error', decline_code: outcome, message: 'Your card was declined.', doc_url: 'https://docs.leanrails.com/errors/decline-codes' });
    expect((err.payment_intent as Obj).status).toBe('requires_payment_method');
    expect((err.payment_intent as Obj).last_payment_error).toMatchObject({ type: 'payment_error', code: 'card_declined', decline_code: outcome, message: 'Your card was declined.' });
    expect((((err.payment_intent as Obj).charges as Obj).data as Obj[])[0]).toMatchObject({ status: 'failed', failure_code: 'card_declined', failure_message: DECLINE_DESCRIPTIONS[outcome as DeclineCode] });
    // The descriptions are the decline-codes page's own words.
    if (outcome === 'insufficient_funds') expect(DECLINE_DESCRIPTIONS.insufficient_funds).toBe('The card has insufficient funds to complete the purchase.');
  }

  it.each(TEST_IDS)('%s → %s', async (pm, outcome) => {
    const created = await api.post('/v1/payment_intents', { amount: 2_000, currency: 'usd', payment_method: pm });
    expect(created.body.status).toBe('requires_confirmation');
    expectOutcome(await api.post(`/v1/payment_intents/${created.body.id as string}/confirm`, {}), outcome);
  });

  it.each(TEST_NUMBERS)('card %s (%s) → %s', async (number, brand, outcome) => {
    const res = await api.post('/v1/payment_intents', {
      amount: 2_000,
      currency: 'usd',
      confirm: true,
      payment_method_data: { type: 'card', card: { number, exp_month: 12, exp_year: 2035, cvc: brand === 'amex' ? '1234' : '123' } },
    });
    expectOutcome(res, outcome);
    const pi = (res.status === 200 ? res.body : (res.body as { error: { payment_intent: Obj } }).error.payment_intent) as Obj;
    const pmId = (pi.payment_method ?? (pi.last_payment_error as Obj).payment_method) as string;
    const pm = (await api.get(`/v1/payment_methods/${pmId}`)).body;
    expect(pm.card).toMatchObject({ brand, last4: number.slice(-4), exp_month: 12, exp_year: 2035 });
  });

  it('a card that approves payments but refuses refunds (4000 0000 0000 5126) gives a failed refund', async () => {
    const pi = (
      await api.post('/v1/payment_intents', {
        amount: 2_000,
        currency: 'usd',
        confirm: true,
        payment_method_data: { type: 'card', card: { number: '4000000000005126', exp_month: 12, exp_year: 2035 } },
      })
    ).body;
    expect(pi.status).toBe('succeeded');
    const refund = await api.post('/v1/refunds', { payment_intent: pi.id });
    expect(refund.status).toBe(200);
    expect(refund.body).toMatchObject({ status: 'failed', failure_reason: 'declined', amount: 2_000 });
    const charge = (await api.get(`/v1/charges/${pi.latest_charge as string}`)).body;
    expect(charge).toMatchObject({ amount_refunded: 0, refunded: false });
    const events = ((await api.get(`/v1/events?payment_intent=${pi.id as string}&limit=100`)).body.data as { type: string }[]).map((e) => e.type);
    expect(events.slice(0, 2)).toEqual(['refund.failed', 'refund.created']);
  });
});
