import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../test/harness.js';
import type { Db } from '../../db/store.js';
import { merchantNow, type Merchant, type OpContext } from '../context.js';
import { processorFor, setLiveProcessor, type AuthorizationDecision, type PaymentProcessor } from '../processor/processor.js';
import { testProcessor } from '../processor/test-processor.js';
import { cancelPaymentIntent } from './cancel-payment-intent.js';
import { confirmPaymentIntent } from './confirm-payment-intent.js';
import { createPaymentIntent } from './create-payment-intent.js';
import { onPaymentIntentStatusChange, type PaymentIntentStatusChange } from './listeners.js';
import { settlePaymentIntent } from './settle-payment-intent.js';
import { updatePaymentIntentAmount } from './update-payment-intent.js';
import { redirectOf } from './payment-intent.js';

type Obj = Record<string, unknown>;

async function inTransaction<T>(server: TestServer, merchantId: string, livemode: boolean, fn: (ctx: OpContext) => Promise<T>): Promise<T> {
  return server.store.withTransaction(async (db: Db) => {
    const merchant = (await db.selectFrom('merchants').selectAll().where('id', '=', merchantId).executeTakeFirstOrThrow()) as Merchant;
    const ctx: OpContext = {
      deps: server.deps,
      db,
      actor: { merchant, scope: { merchantId, livemode }, apiVersion: merchant.default_api_version, now: merchantNow(server.clock, merchant, livemode) },
    };
    return fn(ctx);
  });
}

/** A live processor that answers asynchronously (`pending`) or hosts its own authentication page. */
function fakeLiveProcessor(answer: () => AuthorizationDecision): PaymentProcessor & { calls: string[] } {
  const calls: string[] = [];
  return {
    name: 'fake-live',
    calls,
    async tokenize(card) {
      calls.push('tokenize');
      return { token: `fake_tok_${card.number.slice(-4)}`, card: (await testProcessor.tokenize(card)).card };
    },
    authorize(req) {
      calls.push(`authorize:${req.amount}:${req.capture ? 'capture' : 'hold'}`);
      return Promise.resolve(answer());
    },
    capture: () => Promise.resolve(),
    release: () => Promise.resolve(),
    refund: () => Promise.resolve({ outcome: 'succeeded', reference: 'fake_refund' }),
    verify: () => Promise.resolve({ outcome: 'approved' }),
  };
}

const CARD = { type: 'card' as const, card: { number: '4242424242424242', exp_month: 12, exp_year: 2040 } };

describe.each(ENGINES)('payment intents: processors and the domain functions Checkout uses (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let live: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
    live = client(server, server.merchant.keys.sk_live);
  });
  afterAll(() => server.close());
  afterEach(() => setLiveProcessor(server.deps, undefined));

  const eventsOf = async (key: ReturnType<typeof client>, pi: string) =>
    ((await key.get(`/v1/events?payment_intent=${pi}&limit=100`)).body.data as { type: string }[]).map((e) => e.type).reverse();

  it('test mode always uses the test processor; live mode uses the configured one', () => {
    expect(processorFor(server.deps, false)).toBe(testProcessor);
    expect(() => processorFor(server.deps, true)).toThrow(/no[n]? ?.*configured|none is configured/);
    const fake = fakeLiveProcessor(() => ({ outcome: 'approved', reference: 'r' }));
    setLiveProcessor(server.deps, fake);
    expect(processorFor(server.deps, true)).toBe(fake);
    expect(processorFor(server.deps, false)).toBe(testProcessor);
  });

  it('live payments go through the configured processor', async () => {
    const fake = fakeLiveProcessor(() => ({ outcome: 'approved', reference: 'live_ref_1' }));
    setLiveProcessor(server.deps, fake);
    const res = await live.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', confirm: true, payment_method_data: CARD });
    expect(res.body).toMatchObject({ status: 'succeeded', livemode: true, amount_received: 1_000 });
    expect(fake.calls).toEqual(['tokenize', 'authorize:1000:capture']);
    // pm_card_* ids stay test-only even with a live processor.
    expectError(await live.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', payment_method: 'pm_card_visa' }), 404, 'resource_missing', 'payment_method');
  });

  it('processing: an asynchronous processor leaves the intent processing until it settles (approved)', async () => {
    setLiveProcessor(server.deps, fakeLiveProcessor(() => ({ outcome: 'pending', reference: 'async_1' })));
    const pi = (await live.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', confirm: true, payment_method_data: CARD })).body;
    const id = pi.id as string;
    expect(pi.status).toBe('processing');
    expect((pi.charges as { data: Obj[] }).data[0]).toMatchObject({ status: 'pending', paid: false });
    // Nothing can be done to a processing intent from the API.
    expectError(await live.post(`/v1/payment_intents/${id}/cancel`, {}), 400, 'payment_intent_unexpected_state');
    expectError(await live.post(`/v1/payment_intents/${id}/confirm`, {}), 400, 'payment_intent_unexpected_state');
    expectError(await live.post(`/v1/payment_intents/${id}/refund`, {}), 400, 'payment_intent_unexpected_state');
    expectError(await live.post(`/v1/payment_intents/${id}`, { amount: 5_000 }), 400, 'payment_intent_unexpected_state');

    const settled = await inTransaction(server, server.merchant.id, true, (ctx) => settlePaymentIntent(ctx, id, { outcome: 'approved' }));
    expect(settled).toMatchObject({ status: 'succeeded', amount_received: 1_000 });
    expect(settled.charges.data[0]).toMatchObject({ status: 'succeeded', paid: true, captured: true, amount_captured: 1_000 });
    expect(await eventsOf(live, id)).toEqual(['payment_intent.created', 'charge.pending', 'payment_intent.processing', 'charge.succeeded', 'payment_intent.succeeded']);
    await expect(inTransaction(server, server.merchant.id, true, (ctx) => settlePaymentIntent(ctx, id, { outcome: 'approved' }))).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    });
  });

  it('processing settles into requires_capture (manual capture) or back to requires_payment_method (declined)', async () => {
    setLiveProcessor(server.deps, fakeLiveProcessor(() => ({ outcome: 'pending', reference: 'async_2' })));
    const held = (await live.post('/v1/payment_intents', { amount: 2_000, currency: 'usd', confirm: true, capture_method: 'manual', payment_method_data: CARD })).body;
    const heldAfter = await inTransaction(server, server.merchant.id, true, (ctx) => settlePaymentIntent(ctx, held.id as string, { outcome: 'approved' }));
    expect(heldAfter).toMatchObject({ status: 'requires_capture', amount_capturable: 2_000 });
    expect((await live.post(`/v1/payment_intents/${held.id as string}/capture`, {})).body).toMatchObject({ status: 'succeeded', amount_received: 2_000 });

    const failing = (await live.post('/v1/payment_intents', { amount: 2_000, currency: 'usd', confirm: true, payment_method_data: CARD })).body;
    const failed = await inTransaction(server, server.merchant.id, true, (ctx) =>
      settlePaymentIntent(ctx, failing.id as string, { outcome: 'declined', declineCode: 'do_not_honor' }),
    );
    expect(failed).toMatchObject({ status: 'requires_payment_method', payment_method: null, last_payment_error: { decline_code: 'do_not_honor' } });
    expect(failed.charges.data[0]).toMatchObject({ status: 'failed', failure_code: 'card_declined' });
    expect((await eventsOf(live, failing.id as string)).slice(-2)).toEqual(['charge.failed', 'payment_intent.payment_failed']);
  });

  it("a processor's own authentication page is used as next_action", async () => {
    setLiveProcessor(server.deps, fakeLiveProcessor(() => ({ outcome: 'requires_action', redirectUrl: 'https://acs.bank.example/challenge/1' })));
    const pi = (await live.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', confirm: true, return_url: 'https://shop.example/r', payment_method_data: CARD })).body;
    expect(pi).toMatchObject({
      status: 'requires_action',
      next_action: { type: 'redirect_to_url', redirect_to_url: { url: 'https://acs.bank.example/challenge/1', return_url: 'https://shop.example/r' } },
    });
  });

  it('session-owned intents: created in the caller\'s transaction, canceled only by the session, amount follows the session', async () => {
    const intent = await inTransaction(server, server.merchant.id, false, (ctx) =>
      createPaymentIntent(ctx, { amount: 5_000, currency: 'usd', description: 'Order' }, { checkoutSession: 'cs_test_owner' }),
    );
    expect(intent.status).toBe('requires_payment_method');
    const refused = expectError(await api.post(`/v1/payment_intents/${intent.id}/cancel`, {}), 400, 'resource_in_use');
    expect(refused.message).toContain('expire the session');
    expectError(await api.post(`/v1/payment_intents/${intent.id}`, { amount: 9_000 }), 400, 'resource_in_use', 'amount');

    const resized = await inTransaction(server, server.merchant.id, false, (ctx) => updatePaymentIntentAmount(ctx, intent.id, 5_750, 'shipping_options'));
    expect(resized.amount).toBe(5_750);
    await expect(inTransaction(server, server.merchant.id, false, (ctx) => updatePaymentIntentAmount(ctx, intent.id, 0, 'shipping_options'))).rejects.toMatchObject({
      code: 'amount_too_small',
    });

    const canceled = await inTransaction(server, server.merchant.id, false, (ctx) => cancelPaymentIntent(ctx, intent.id, 'expired', { bySession: true }));
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'expired' });
    await expect(inTransaction(server, server.merchant.id, false, (ctx) => updatePaymentIntentAmount(ctx, intent.id, 6_000, 'shipping_options'))).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    });
  });

  it('confirmPaymentIntent returns declines as an outcome (with the 402 to answer) instead of throwing', async () => {
    const result = await inTransaction(server, server.merchant.id, false, async (ctx) => {
      const pi = await createPaymentIntent(ctx, { amount: 1_000, currency: 'usd' });
      return confirmPaymentIntent(ctx, pi.id, { payment_method: 'pm_card_insufficient_funds' });
    });
    expect(result.outcome).toBe('declined');
    expect(result.intent.status).toBe('requires_payment_method');
    expect(result.error?.code).toBe('card_declined');
    expect(result.error?.extra).toMatchObject({ decline_code: 'insufficient_funds' });
    // Committed: the failed charge is there.
    expect(((await api.get(`/v1/charges?payment_intent=${result.intent.id}`)).body.data as Obj[])[0]).toMatchObject({ status: 'failed' });

    const ok = await inTransaction(server, server.merchant.id, false, (ctx) => confirmPaymentIntent(ctx, result.intent.id, { payment_method: 'pm_card_visa' }));
    expect(ok.outcome).toBe('succeeded');
    expect(ok.error).toBeUndefined();
  });

  it('notifies status-change listeners in the same transaction, with the owning session and the source', async () => {
    const seen: PaymentIntentStatusChange[] = [];
    const stop = onPaymentIntentStatusChange((_ctx, change) => {
      seen.push(change);
      return Promise.resolve();
    });
    try {
      const pi = await inTransaction(server, server.merchant.id, false, async (ctx) => {
        const created = await createPaymentIntent(ctx, { amount: 1_000, currency: 'usd' }, { checkoutSession: 'cs_test_listen' });
        return (await confirmPaymentIntent(ctx, created.id, { payment_method: 'pm_card_3ds_required', return_url: 'https://shop.example/r' })).intent;
      });
      expect(seen.map((c) => [c.previousStatus, c.intent.status, c.checkoutSession, c.source])).toEqual([
        ['requires_payment_method', 'requires_action', 'cs_test_listen', 'api'],
      ]);
      const path = new URL(redirectOf(pi.next_action)?.redirect_to_url.url ?? '').pathname;
      // (A failed authentication: a success would also complete the Checkout Session, which this test does not create.)
      await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'result=fail', redirect: 'manual' });
      expect(seen.at(-1)).toMatchObject({
        previousStatus: 'requires_action',
        checkoutSession: 'cs_test_listen',
        source: 'authentication',
        intent: { status: 'requires_payment_method' },
      });
    } finally {
      stop();
    }
  });

  it('a listener that fails rolls the whole change back', async () => {
    const stop = onPaymentIntentStatusChange(() => Promise.reject(new Error('listener broke')));
    const id = (await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', payment_method: 'pm_card_visa' })).body.id as string;
    try {
      const res = await api.post(`/v1/payment_intents/${id}/confirm`, {});
      expect(res.status).toBe(500);
    } finally {
      stop();
    }
    expect((await api.get(`/v1/payment_intents/${id}`)).body.status).toBe('requires_confirmation');
    expect((await api.get(`/v1/charges?payment_intent=${id}`)).body.data).toEqual([]);
  });
});
