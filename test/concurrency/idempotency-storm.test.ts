import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  ENGINES,
  expectError,
  request,
  startTestServer,
  type ApiResponse,
  type TestServer,
} from '../harness.js';
import { secondInstance } from '../protocol/support.js';

type Obj = Record<string, unknown>;

/**
 * 50 identical requests sent at once with one Idempotency-Key, on every kind of write that moves money or creates
 * objects: exactly one execution (counted in the database: objects, events, stored key), every other answer is the
 * byte-identical stored replay or a 409 `idempotency_key_in_use`, and a later retry replays. On PostgreSQL the
 * requests are spread over two application instances on one database (two pools, two in-flight sets), as several
 * nodes would receive them; SQLite serves one process.
 */
const STORM = 50;
const TABLES = [
  'customers',
  'payment_intents',
  'charges',
  'refunds',
  'checkout_sessions',
  'prices',
  'products',
  'idempotency_keys',
] as const;

describe.each(ENGINES)('50 concurrent identical requests per key (%s)', (engine) => {
  let server: TestServer;
  let second: Awaited<ReturnType<typeof secondInstance>> | undefined;
  let targets: { url: string }[];
  beforeAll(async () => {
    server = await startTestServer(engine);
    if (engine === 'postgres') second = await secondInstance(server);
    targets = second ? [server, second] : [server];
  });
  afterAll(async () => {
    await second?.close();
    await server.close();
  });

  interface Tally {
    rows: Record<string, number>;
    events: Record<string, number>;
  }

  async function tally(merchantId: string): Promise<Tally> {
    const rows: Record<string, number> = {};
    for (const table of TABLES) {
      const r = (await server.store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('merchant_id', '=', merchantId)
        .executeTakeFirst()) as { n: number | string };
      rows[table] = Number(r.n);
    }
    const events: Record<string, number> = {};
    const types = (await server.store.db
      .selectFrom('events')
      .select('type')
      .where('merchant_id', '=', merchantId)
      .execute()) as { type: string }[];
    for (const { type } of types) events[type] = (events[type] ?? 0) + 1;
    return { rows, events };
  }

  /** What changed between two tallies (only non-zero differences). */
  function delta(before: Tally, after: Tally): { rows: Record<string, number>; events: Record<string, number> } {
    const diff = (a: Record<string, number>, b: Record<string, number>) =>
      Object.fromEntries(
        [...new Set([...Object.keys(a), ...Object.keys(b)])]
          .map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)] as const)
          .filter(([, n]) => n !== 0),
      );
    return { rows: diff(before.rows, after.rows), events: diff(before.events, after.events) };
  }

  /** Fires STORM copies of one request with one key; checks that exactly one ran; returns the executed answer. */
  async function storm(apiKey: string, path: string, body: Obj, expectedStatus = 200): Promise<ApiResponse> {
    const key = `storm-${randomUUID()}`;
    const send = (i: number) =>
      request(targets[i % targets.length] as { url: string }, 'POST', path, { key: apiKey, body, idempotencyKey: key });
    const responses = await Promise.all(Array.from({ length: STORM }, (_, i) => send(i)));
    const executed = responses.filter((r) => r.status !== 409 && r.headers.get('idempotent-replayed') !== 'true');
    expect(executed.map((r) => r.status)).toEqual([expectedStatus]);
    const winner = executed[0] as ApiResponse;
    for (const r of responses) {
      if (r.status === 409) {
        expectError(r, 409, 'idempotency_key_in_use', null);
        expect(r.headers.get('retry-after')).toBe('1');
      } else {
        expect(r.status).toBe(expectedStatus);
        expect(r.text).toBe(winner.text);
      }
    }
    const late = await send(STORM);
    expect(late.headers.get('idempotent-replayed')).toBe('true');
    expect(late.text).toBe(winner.text);
    return winner;
  }

  async function merchant() {
    const m = await server.newMerchant('Storm');
    return { m, api: client(server, m.keys.sk_test) };
  }

  it('customer create runs once', async () => {
    const { m } = await merchant();
    const before = await tally(m.id);
    await storm(m.keys.sk_test, '/v1/customers', { name: 'Storm', email: 'storm@example.com' });
    expect(delta(before, await tally(m.id))).toEqual({
      rows: { customers: 1, idempotency_keys: 1 },
      events: { 'customer.created': 1 },
    });
  });

  it('PaymentIntent create with confirm runs once: one charge, one of each event', async () => {
    const { m } = await merchant();
    const before = await tally(m.id);
    const res = await storm(m.keys.sk_test, '/v1/payment_intents', {
      amount: 4_200,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(res.body).toMatchObject({ status: 'succeeded', amount_received: 4_200 });
    expect(delta(before, await tally(m.id))).toEqual({
      rows: { payment_intents: 1, charges: 1, idempotency_keys: 1 },
      events: { 'payment_intent.created': 1, 'charge.succeeded': 1, 'payment_intent.succeeded': 1 },
    });
  });

  it('a declined create-and-confirm is stored once: one failed charge, the same 402 for everyone', async () => {
    const { m } = await merchant();
    const before = await tally(m.id);
    const res = await storm(
      m.keys.sk_test,
      '/v1/payment_intents',
      { amount: 1_000, currency: 'usd', payment_method: 'pm_card_declined', confirm: true },
      402,
    );
    expectError(res, 402, 'card_declined');
    expect(delta(before, await tally(m.id))).toEqual({
      rows: { payment_intents: 1, charges: 1, idempotency_keys: 1 },
      events: { 'payment_intent.created': 1, 'charge.failed': 1, 'payment_intent.payment_failed': 1 },
    });
  });

  it('confirm and capture of a manual-capture intent each run once', async () => {
    const { m, api } = await merchant();
    const pi = (
      await api.post('/v1/payment_intents', {
        amount: 9_000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        capture_method: 'manual',
      })
    ).body;
    const t0 = await tally(m.id);
    await storm(m.keys.sk_test, `/v1/payment_intents/${pi.id as string}/confirm`, {});
    const t1 = await tally(m.id);
    expect(delta(t0, t1)).toEqual({
      rows: { charges: 1, idempotency_keys: 1 },
      events: { 'charge.succeeded': 1, 'payment_intent.amount_capturable_updated': 1 },
    });
    const captured = await storm(m.keys.sk_test, `/v1/payment_intents/${pi.id as string}/capture`, {
      amount_to_capture: 6_000,
    });
    expect(captured.body).toMatchObject({ status: 'succeeded', amount_received: 6_000 });
    expect(delta(t1, await tally(m.id))).toEqual({
      rows: { idempotency_keys: 1 },
      events: { 'charge.captured': 1, 'charge.refunded': 1, 'payment_intent.succeeded': 1 },
    });
    const charge = (await api.get(`/v1/charges/${captured.body.latest_charge as string}`)).body;
    expect(charge).toMatchObject({ amount_captured: 6_000, captured: true, amount_refunded: 3_000 });
  });

  it('a partial refund (POST /v1/refunds) and a refund of the rest (POST /v1/payment_intents/{id}/refund) each run once', async () => {
    const { m, api } = await merchant();
    const pi = (
      await api.post('/v1/payment_intents', {
        amount: 10_000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
      })
    ).body;
    const t0 = await tally(m.id);
    const partial = await storm(m.keys.sk_test, '/v1/refunds', { payment_intent: pi.id, amount: 2_500 });
    expect(partial.body).toMatchObject({ amount: 2_500, status: 'succeeded' });
    const t1 = await tally(m.id);
    expect(delta(t0, t1)).toEqual({
      rows: { refunds: 1, idempotency_keys: 1 },
      events: { 'refund.created': 1, 'charge.refunded': 1 },
    });
    const rest = await storm(m.keys.sk_test, `/v1/payment_intents/${pi.id as string}/refund`, {});
    expect(rest.body).toMatchObject({ amount: 7_500, status: 'succeeded' });
    expect(delta(t1, await tally(m.id))).toEqual({
      rows: { refunds: 1, idempotency_keys: 1 },
      events: { 'refund.created': 1, 'charge.refunded': 1 },
    });
    const charge = (await api.get(`/v1/charges/${pi.latest_charge as string}`)).body;
    expect(charge).toMatchObject({ amount_captured: 10_000, amount_refunded: 10_000, refunded: true });
  });

  it('Checkout Session create runs once, with its PaymentIntent and its inline price and product', async () => {
    const { m, api } = await merchant();
    const product = (await api.post('/v1/products', { name: 'Storm tee' })).body;
    const price = (await api.post('/v1/prices', { product: product.id, currency: 'usd', unit_amount: 1_000 })).body;
    const before = await tally(m.id);
    const res = await storm(m.keys.sk_test, '/v1/checkout/sessions', {
      ui_mode: 'embedded',
      line_items: [
        { price: price.id, quantity: 2 },
        { price_data: { currency: 'usd', unit_amount: 700, product_data: { name: 'Gift wrap' } }, quantity: 1 },
      ],
    });
    expect(res.body).toMatchObject({ status: 'open', amount_total: 2_700 });
    expect(delta(before, await tally(m.id))).toEqual({
      rows: { checkout_sessions: 1, payment_intents: 1, prices: 1, products: 1, idempotency_keys: 1 },
      events: { 'payment_intent.created': 1, 'price.created': 1, 'product.created': 1 },
    });
  });

  it('the client-side confirm of a session (publishable key) pays once', async () => {
    const { m, api } = await merchant();
    const session = (
      await api.post('/v1/checkout/sessions', {
        ui_mode: 'embedded',
        line_items: [
          { price_data: { currency: 'usd', unit_amount: 1_200, product_data: { name: 'Mug' } }, quantity: 1 },
        ],
      })
    ).body;
    const before = await tally(m.id);
    const res = await storm(m.keys.pk_test, `/v1/checkout/sessions/${session.id as string}/client/confirm`, {
      client_secret: session.client_secret,
      email: 'storm@example.com',
      payment_method: 'pm_card_visa',
    });
    expect(res.body).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(delta(before, await tally(m.id))).toEqual({
      rows: { charges: 1, idempotency_keys: 1 },
      events: { 'charge.succeeded': 1, 'payment_intent.succeeded': 1, 'checkout.session.completed': 1 },
    });
  });
});
