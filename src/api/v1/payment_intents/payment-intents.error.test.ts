import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

type Obj = Record<string, unknown>;

describe.each(ENGINES)('payment intents: bad input and wrong states (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  /** Nothing written: the number of intents, payment methods and events is unchanged. */
  async function counts() {
    const n = async (path: string) => ((await api.get(`${path}?limit=100`)).body.data as unknown[]).length;
    return { intents: await n('/v1/payment_intents'), methods: await n('/v1/payment_methods'), events: await n('/v1/events') };
  }

  it.each([
    ['amount 0', { amount: 0, currency: 'usd' }, 'parameter_invalid', 'amount'],
    ['a negative amount', { amount: -100, currency: 'usd' }, 'parameter_invalid', 'amount'],
    ['a fractional amount', { amount: 10.5, currency: 'usd' }, 'parameter_invalid', 'amount'],
    ['a fractional amount as text', { amount: '10.50', currency: 'usd' }, 'parameter_invalid', 'amount'],
    ['a string amount', { amount: 'ten', currency: 'usd' }, 'parameter_invalid', 'amount'],
    ['an amount above the maximum', { amount: 100_000_000, currency: 'usd' }, 'amount_too_large', 'amount'],
    ['an amount beyond 2^53', { amount: 1e16, currency: 'usd' }, 'amount_too_large', 'amount'],
    ['an amount as numeric text in JSON', { amount: '1000', currency: 'usd' }, 'parameter_invalid', 'amount'],
    ['confirm as text in JSON', { amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: 'true' }, 'parameter_invalid', 'confirm'],
    ['no amount', { currency: 'usd' }, 'parameter_missing', 'amount'],
    ['no currency', { amount: 1000 }, 'parameter_missing', 'currency'],
    ['an unknown currency', { amount: 1000, currency: 'xyz' }, 'parameter_invalid', 'currency'],
    ['an upper-case currency', { amount: 1000, currency: 'USD' }, 'parameter_invalid', 'currency'],
    ['an unknown parameter', { amount: 1000, currency: 'usd', colour: 'red' }, 'parameter_unknown', 'colour'],
    ['an unknown capture method', { amount: 1000, currency: 'usd', capture_method: 'later' }, 'parameter_invalid', 'capture_method'],
    ['an unknown customer', { amount: 1000, currency: 'usd', customer: 'cus_nope' }, 'resource_missing', 'customer'],
    ['an unknown customer given as customer_id', { amount: 1000, currency: 'usd', customer_id: 'cus_nope' }, 'resource_missing', 'customer_id'],
    ['an unknown payment method', { amount: 1000, currency: 'usd', payment_method: 'pm_nope' }, 'resource_missing', 'payment_method'],
    ['an unknown test payment method', { amount: 1000, currency: 'usd', payment_method: 'pm_card_unicorn' }, 'resource_missing', 'payment_method'],
    ['a statement descriptor with forbidden characters', { amount: 1000, currency: 'usd', statement_descriptor: 'ACME <shop>' }, 'parameter_invalid', 'statement_descriptor'],
    ['a statement descriptor over 22 characters', { amount: 1000, currency: 'usd', statement_descriptor: 'A'.repeat(23) }, 'parameter_invalid', 'statement_descriptor'],
    ['return_url without confirm', { amount: 1000, currency: 'usd', return_url: 'https://x.example/r' }, 'parameter_invalid', 'return_url'],
    ['a relative return_url', { amount: 1000, currency: 'usd', confirm: true, return_url: '/back' }, 'parameter_invalid', 'return_url'],
    ['payment_method and payment_method_data together', {
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      payment_method_data: { type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2040 } },
    }, 'parameter_invalid', 'payment_method_data'],
    ['an unknown payment method type', { amount: 1000, currency: 'usd', payment_method_types: ['sepa_debit'] }, 'parameter_invalid', 'payment_method_types[0]'],
  ])('create with %s → 400 naming the parameter, nothing written', async (_label, body, code, param) => {
    const before = await counts();
    const res = await api.post('/v1/payment_intents', body);
    expectError(res, code === 'resource_missing' ? 404 : 400, code, param);
    expect(await counts()).toEqual(before);
  });

  it('the smallest amount is 1 in test mode and the currency minimum in live mode; a form body spells numbers as text', async () => {
    for (const currency of ['usd', 'jpy']) {
      const one = await api.post<Obj>('/v1/payment_intents', { amount: 1, currency, payment_method: 'pm_card_visa', confirm: true });
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ amount: 1, amount_received: 1, status: 'succeeded' });
    }
    const live = client(server, server.merchant.keys.sk_live);
    const liveIntents = async () => ((await live.get('/v1/payment_intents?limit=100')).body.data as unknown[]).length;
    const before = await liveIntents();
    expectError(await live.post('/v1/payment_intents', { amount: 49, currency: 'usd' }), 400, 'amount_too_small', 'amount');
    expectError(await live.post('/v1/payment_intents', { amount: 49, currency: 'jpy' }), 400, 'amount_too_small', 'amount');
    expect(await liveIntents()).toBe(before);
    expect((await live.post<Obj>('/v1/payment_intents', { amount: 50, currency: 'usd' })).body).toMatchObject({ amount: 50, livemode: true });
    const form = await api.post<Obj>('/v1/payment_intents', undefined, { form: 'amount=1000&currency=usd&confirm=true&payment_method=pm_card_visa' });
    expect(form.body).toMatchObject({ amount: 1000, status: 'succeeded' });
    // Digits beyond 2^53 are still a whole number: too large, not "not an integer".
    expectError(await api.post('/v1/payment_intents', undefined, { form: 'amount=9007199254740993&currency=usd' }), 400, 'amount_too_large', 'amount');
    expectError(await api.post('/v1/payment_intents', undefined, { form: 'amount=10.5&currency=usd' }), 400, 'parameter_invalid', 'amount');
  });

  it.each([
    ['a number failing the Luhn check', { number: '4242424242424241', exp_month: 12, exp_year: 2035 }, 'parameter_invalid', 'number'],
    ['a number too short', { number: '4242', exp_month: 12, exp_year: 2035 }, 'parameter_invalid', 'number'],
    ['letters in the number', { number: '4242abcd42424242', exp_month: 12, exp_year: 2035 }, 'parameter_invalid', 'number'],
    ['month 13', { number: '4242424242424242', exp_month: 13, exp_year: 2035 }, 'parameter_invalid', 'exp_month'],
    ['a year in the past', { number: '4242424242424242', exp_month: 12, exp_year: 2001 }, 'parameter_invalid', 'exp_year'],
    ['a two-digit CVC', { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '12' }, 'parameter_invalid', 'cvc'],
    ['a three-digit CVC on an Amex card', { number: '378282246310005', exp_month: 12, exp_year: 2035, cvc: '123' }, 'parameter_invalid', 'cvc'],
    ['no expiry year', { number: '4242424242424242', exp_month: 12 }, 'parameter_missing', 'exp_year'],
  ])('card details with %s → 400 naming the card field, nothing written', async (_label, card, code, field) => {
    const before = await counts();
    const res = await api.post('/v1/payment_intents', { amount: 1000, currency: 'usd', confirm: true, payment_method_data: { type: 'card', card } });
    const err = expectError(res, 400, code, `payment_method_data[card][${field}]`);
    expect(JSON.stringify(err)).not.toContain(card.number);
    expect(await counts()).toEqual(before);
  });

  it('an expiry earlier this month is refused; one this month is accepted', async () => {
    const now = new Date(server.clock.nowMs());
    const thisMonth = { number: '4242424242424242', exp_month: now.getUTCMonth() + 1, exp_year: now.getUTCFullYear() };
    const ok = await api.post('/v1/payment_intents', { amount: 1000, currency: 'usd', confirm: true, payment_method_data: { type: 'card', card: thisMonth } });
    expect(ok.body.status).toBe('succeeded');
    if (now.getUTCMonth() > 0) {
      const past = { ...thisMonth, exp_month: now.getUTCMonth() };
      const res = await api.post('/v1/payment_intents', { amount: 1000, currency: 'usd', confirm: true, payment_method_data: { type: 'card', card: past } });
      expectError(res, 400, 'parameter_invalid', 'payment_method_data[card][exp_month]');
    }
  });

  it('confirm without any payment method → 400 parameter_missing payment_method', async () => {
    const id = (await api.post('/v1/payment_intents', { amount: 1000, currency: 'usd' })).body.id as string;
    expectError(await api.post(`/v1/payment_intents/${id}/confirm`, {}), 400, 'parameter_missing', 'payment_method');
    expect((await api.get(`/v1/payment_intents/${id}`)).body.status).toBe('requires_payment_method');
  });

  it('capture more than authorized → 400 amount_too_large naming the parameter used', async () => {
    const pi = (await api.post('/v1/payment_intents', { amount: 1000, currency: 'usd', capture_method: 'manual', payment_method: 'pm_card_visa', confirm: true })).body;
    const id = pi.id as string;
    expectError(await api.post(`/v1/payment_intents/${id}/capture`, { amount_to_capture: 1001 }), 400, 'amount_too_large', 'amount_to_capture');
    expectError(await api.post(`/v1/payment_intents/${id}/capture`, { amount: 5000 }), 400, 'amount_too_large', 'amount');
    expectError(await api.post(`/v1/payment_intents/${id}/capture`, { amount_to_capture: 0 }), 400, 'parameter_invalid', 'amount_to_capture');
    expectError(await api.post(`/v1/payment_intents/${id}/capture`, { amount_to_capture: 10, amount: 10 }), 400, 'parameter_invalid', 'amount');
    expect((await api.get(`/v1/payment_intents/${id}`)).body).toMatchObject({ status: 'requires_capture', amount_capturable: 1000 });
  });

  it('refunds of a canceled or unpaid intent → 400 payment_intent_unexpected_state', async () => {
    const unpaid = (await api.post('/v1/payment_intents', { amount: 1000, currency: 'usd' })).body.id as string;
    const unpaidErr = expectError(await api.post('/v1/refunds', { payment_intent: unpaid }), 400, 'payment_intent_unexpected_state', 'payment_intent');
    expect(unpaidErr.message).toContain('requires_payment_method');
    const canceled = (await api.post('/v1/payment_intents', { amount: 1000, currency: 'usd' })).body.id as string;
    await api.post(`/v1/payment_intents/${canceled}/cancel`, {});
    const canceledErr = expectError(await api.post(`/v1/payment_intents/${canceled}/refund`, {}), 400, 'payment_intent_unexpected_state', null);
    expect(canceledErr.message).toContain('status of canceled');
    const held = (await api.post('/v1/payment_intents', { amount: 1000, currency: 'usd', capture_method: 'manual', payment_method: 'pm_card_visa', confirm: true })).body.id as string;
    const heldErr = expectError(await api.post('/v1/refunds', { payment_intent: held }), 400, 'payment_intent_unexpected_state', 'payment_intent');
    expect(heldErr.message).toContain('Cancel it');
    expect(((await api.get('/v1/refunds')).body.data as unknown[]).length).toBe(0);
  });

  it('confirming a canceled intent → 400 payment_intent_unexpected_state naming the status', async () => {
    const id = (await api.post('/v1/payment_intents', { amount: 1000, currency: 'usd', payment_method: 'pm_card_visa' })).body.id as string;
    await api.post(`/v1/payment_intents/${id}/cancel`, {});
    const err = expectError(await api.post(`/v1/payment_intents/${id}/confirm`, {}), 400, 'payment_intent_unexpected_state', null);
    expect(err.message).toBe(
      'You cannot confirm this PaymentIntent because it has a status of canceled. Only a PaymentIntent with one of the following statuses may be confirmed: requires_payment_method, requires_confirmation, requires_action.',
    );
  });

  /**
   * Every API operation from every status reachable through the API, against the documented diagram: the allowed
   * ones succeed (checked elsewhere), every other one is a 400 that names the status.
   */
  it('answers every illegal transition with 400 payment_intent_unexpected_state naming the status', async () => {
    const make = async (status: string): Promise<string> => {
      const base = { amount: 1000, currency: 'usd' };
      switch (status) {
        case 'requires_payment_method':
          return (await api.post('/v1/payment_intents', base)).body.id as string;
        case 'requires_confirmation':
          return (await api.post('/v1/payment_intents', { ...base, payment_method: 'pm_card_visa' })).body.id as string;
        case 'requires_action':
          return (await api.post('/v1/payment_intents', { ...base, payment_method: 'pm_card_3ds_required', confirm: true })).body.id as string;
        case 'requires_capture':
          return (await api.post('/v1/payment_intents', { ...base, payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual' })).body.id as string;
        case 'succeeded':
          return (await api.post('/v1/payment_intents', { ...base, payment_method: 'pm_card_visa', confirm: true })).body.id as string;
        default: {
          const id = (await api.post('/v1/payment_intents', base)).body.id as string;
          await api.post(`/v1/payment_intents/${id}/cancel`, {});
          return id;
        }
      }
    };
    const ops: Record<string, (id: string) => Promise<{ status: number; body: Obj; text: string; headers: Headers }>> = {
      confirm: (id) => api.post(`/v1/payment_intents/${id}/confirm`, { payment_method: 'pm_card_visa' }),
      capture: (id) => api.post(`/v1/payment_intents/${id}/capture`, {}),
      cancel: (id) => api.post(`/v1/payment_intents/${id}/cancel`, {}),
      refund: (id) => api.post(`/v1/payment_intents/${id}/refund`, {}),
      change_amount: (id) => api.post(`/v1/payment_intents/${id}`, { amount: 1234 }),
      set_payment_method: (id) => api.post(`/v1/payment_intents/${id}`, { payment_method: 'pm_card_visa' }),
    };
    // The documented diagram: which operation is allowed from which status.
    const allowed: Record<string, string[]> = {
      requires_payment_method: ['confirm', 'cancel', 'change_amount', 'set_payment_method'],
      requires_confirmation: ['confirm', 'cancel', 'change_amount', 'set_payment_method'],
      requires_action: ['confirm', 'cancel', 'change_amount', 'set_payment_method'],
      requires_capture: ['capture', 'cancel'],
      succeeded: ['refund'],
      canceled: [],
    };
    let illegal = 0;
    for (const [status, legal] of Object.entries(allowed)) {
      for (const [op, run] of Object.entries(ops)) {
        const id = await make(status);
        const res = await run(id);
        if (legal.includes(op)) {
          expect(res.status, `${op} from ${status}: ${res.text}`).toBe(200);
        } else {
          const err = expectError(res, 400, 'payment_intent_unexpected_state');
          expect(err.message).toContain(`because it has a status of ${status}.`);
          expect((await api.get(`/v1/payment_intents/${id}`)).body.status).toBe(status);
          illegal++;
        }
      }
    }
    expect(illegal).toBe(21);
  });
});
