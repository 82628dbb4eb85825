import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';
import { brCode, PIX_QR_CODE_TTL_S } from '../../../domain/payment-intents/pix.js';

type Obj = Record<string, unknown>;
interface PixIntent {
  id: string;
  status: string;
  created: number;
  psp_provider: string;
  payment_method_types: string[];
  next_action: { type: string; pix_display_qr_code: { data: string; expires_at: number } } | null;
}

/** CRC-16/CCITT-FALSE, written out again here so the test does not trust the code it checks. */
function crc(text: string): string {
  let c = 0xffff;
  for (const b of Buffer.from(text)) {
    c ^= b << 8;
    for (let i = 0; i < 8; i++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  }
  return c.toString(16).toUpperCase().padStart(4, '0');
}

describe.each(ENGINES)('PIX PaymentIntents (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  const count = async () => ((await api.get('/v1/payment_intents?limit=100')).body.data as unknown[]).length;
  const eventsOf = async (id: string) =>
    ((await api.get(`/v1/events?payment_intent=${id}&limit=100`)).body.data as { type: string }[]).map((e) => e.type).reverse();

  it('brl with pix: requires_action at once, showing a BR Code QR code, routed to starkbank (the PIX guide)', async () => {
    const res = await api.post<PixIntent>('/v1/payment_intents', { amount: 50_000, currency: 'brl', payment_method_types: ['pix'] });
    expect(res.status).toBe(200);
    const pi = res.body;
    expect(pi).toMatchObject({ status: 'requires_action', amount: 50_000, currency: 'brl', payment_method_types: ['pix'], psp_provider: 'starkbank' });
    expect(pi.next_action?.type).toBe('pix_display_qr_code');
    const qr = pi.next_action?.pix_display_qr_code;
    expect(qr?.expires_at).toBe(pi.created + PIX_QR_CODE_TTL_S);
    const data = qr?.data ?? '';
    expect(data.startsWith('000201')).toBe(true);
    expect(data).toContain('br.gov.bcb.pix');
    expect(data).toContain('5303986'); // BRL
    expect(data).toContain('5406500.00'); // the amount in reais
    expect(data).toContain(pi.id);
    expect(data.slice(-4)).toBe(crc(data.slice(0, -4)));
    expect(await eventsOf(pi.id)).toEqual(['payment_intent.created', 'payment_intent.requires_action']);
    // The same from a form body; a card intent is routed to stripe.
    const form = await api.post<PixIntent>('/v1/payment_intents', undefined, { form: 'amount=1000&currency=brl&payment_method_types[]=card&payment_method_types[]=pix' });
    expect(form.body).toMatchObject({ status: 'requires_action', psp_provider: 'starkbank', payment_method_types: ['card', 'pix'] });
    const card = await api.post<PixIntent>('/v1/payment_intents', { amount: 1000, currency: 'brl' });
    expect(card.body).toMatchObject({ status: 'requires_payment_method', psp_provider: 'stripe', payment_method_types: ['card'], next_action: null });
  });

  it('refuses PIX outside brl (422 unsupported_psp_capability) and what a PIX payment cannot take, writing nothing', async () => {
    const before = await count();
    const e = expectError(await api.post('/v1/payment_intents', { amount: 1000, currency: 'usd', payment_method_types: ['pix'] }), 422, 'unsupported_psp_capability', 'payment_method_types');
    expect(e.type).toBe('invalid_request_error');
    const pix = { amount: 1000, currency: 'brl', payment_method_types: ['pix'] };
    expectError(await api.post('/v1/payment_intents', { ...pix, capture_method: 'manual' }), 422, 'unsupported_psp_capability', 'capture_method');
    expectError(await api.post('/v1/payment_intents', { ...pix, setup_future_usage: 'off_session' }), 422, 'unsupported_psp_capability', 'setup_future_usage');
    expectError(await api.post('/v1/payment_intents', { ...pix, payment_method: 'pm_card_visa' }), 400, 'parameter_invalid', 'payment_method');
    expectError(await api.post('/v1/payment_intents', { ...pix, confirm: true }), 400, 'parameter_invalid', 'confirm');
    expectError(await api.post('/v1/payment_intents', { ...pix, payment_method_types: ['pix', 'pix'] }), 400, 'parameter_invalid', 'payment_method_types');
    expectError(await api.post('/v1/payment_intents', { ...pix, payment_method_types: ['boleto'] }), 400, 'parameter_invalid', 'payment_method_types[0]');
    expect(await count()).toBe(before);
  });

  it('a PIX intent cannot be confirmed or given card details; metadata changes and cancel work', async () => {
    const pi = (await api.post<PixIntent>('/v1/payment_intents', { amount: 2500, currency: 'brl', payment_method_types: ['pix'] })).body;
    expectError(await api.post(`/v1/payment_intents/${pi.id}/confirm`, { payment_method: 'pm_card_visa' }), 400, 'payment_intent_unexpected_state');
    expectError(await api.post(`/v1/payment_intents/${pi.id}`, { payment_method: 'pm_card_visa' }), 400, 'payment_intent_unexpected_state', 'payment_method');
    expectError(await api.post(`/v1/payment_intents/${pi.id}`, { amount: 3000 }), 400, 'payment_intent_unexpected_state', 'amount');
    expect((await api.get<PixIntent>(`/v1/payment_intents/${pi.id}`)).body).toMatchObject({ status: 'requires_action', amount: 2500 });
    expect((await api.post<Obj>(`/v1/payment_intents/${pi.id}`, { metadata: { order: '42' } })).body).toMatchObject({ status: 'requires_action', metadata: { order: '42' } });
    const canceled = await api.post<Obj>(`/v1/payment_intents/${pi.id}/cancel`, {});
    expect(canceled.body).toMatchObject({ status: 'canceled' });
    expect(brCode(pi.id, 2500, 'Ação & Cia')).toContain('5908Acao Cia60');
  });

  const bank = (body: unknown) =>
    fetch(`${server.url}/internal/webhooks/starkbank-payments-test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Obj }));

  it("settles when the PSP reports the transfer (the guide's StarkBank webhook): succeeded, a PIX charge, events; a repeat is a no-op", async () => {
    const pi = (await api.post<PixIntent>('/v1/payment_intents', { amount: 50_000, currency: 'brl', payment_method_types: ['pix'] })).body;
    const paid = await bank({ payment_intent: pi.id });
    expect(paid).toEqual({ status: 200, body: { received: true, payment_intent: pi.id, status: 'succeeded', duplicate: false } });
    const after = (await api.get<Obj>(`/v1/payment_intents/${pi.id}`)).body;
    expect(after).toMatchObject({ status: 'succeeded', amount_received: 50_000, next_action: null, payment_method: null });
    const charge = (after.charges as { data: Obj[] }).data[0];
    expect(charge).toMatchObject({
      id: after.latest_charge,
      amount: 50_000,
      amount_captured: 50_000,
      currency: 'brl',
      paid: true,
      captured: true,
      status: 'succeeded',
      payment_method: null,
      payment_method_details: { type: 'pix', pix: { bank_transaction_id: expect.stringMatching(/^E/) as string } },
    });
    expect(await eventsOf(pi.id)).toEqual(['payment_intent.created', 'payment_intent.requires_action', 'charge.succeeded', 'payment_intent.succeeded']);
    // StarkBank retries its deliveries: the same report again changes nothing.
    expect((await bank({ payment_intent: pi.id })).body).toMatchObject({ status: 'succeeded', duplicate: true });
    expect(await eventsOf(pi.id)).toHaveLength(4);
    // The money can be refunded like a card payment's.
    const refund = await api.post<Obj>(`/v1/payment_intents/${pi.id}/refund`, { amount: 20_000 });
    expect(refund.body).toMatchObject({ object: 'refund', amount: 20_000, status: 'succeeded', charge: charge?.id });
  });

  it("reads StarkBank's event shape (the intent in the BR Code's tags), and a failed transfer leaves the intent waiting", async () => {
    const pi = (await api.post<PixIntent>('/v1/payment_intents', { amount: 1_500, currency: 'brl', payment_method_types: ['pix'] })).body;
    const failed = { event: { subscription: 'dynamic-brcode', log: { type: 'failed', brcode: { tags: [`pi_${pi.id}`], amount: 1_500 } } } };
    expect((await bank(failed)).body).toMatchObject({ payment_intent: pi.id, status: 'requires_action' });
    expect((await api.get<PixIntent>(`/v1/payment_intents/${pi.id}`)).body.status).toBe('requires_action');
    const success = { event: { subscription: 'dynamic-brcode', log: { type: 'success', brcode: { tags: [`pi_${pi.id}`], amount: 1_500 } } } };
    expect((await bank(success)).body).toMatchObject({ payment_intent: pi.id, status: 'succeeded' });
  });

  it('refuses what it cannot settle: a canceled or card intent, an unknown or live one, an event naming none', async () => {
    const canceled = (await api.post<PixIntent>('/v1/payment_intents', { amount: 1_000, currency: 'brl', payment_method_types: ['pix'] })).body;
    await api.post(`/v1/payment_intents/${canceled.id}/cancel`, {});
    const r1 = await bank({ payment_intent: canceled.id });
    expect(r1.status).toBe(400);
    expect(r1.body).toMatchObject({ error: { code: 'payment_intent_unexpected_state' } });
    const card = (await api.post<PixIntent>('/v1/payment_intents', { amount: 1_000, currency: 'brl' })).body;
    expect((await bank({ payment_intent: card.id })).body).toMatchObject({ error: { code: 'parameter_invalid', param: 'payment_intent' } });
    expect((await bank({ payment_intent: 'pi_doesnotexist1234' })).body).toMatchObject({ error: { code: 'resource_missing', param: 'payment_intent' } });
    expect((await bank({ payment_intent: 'pi_nope' })).body).toMatchObject({ error: { code: 'resource_missing', param: 'payment_intent' } });
    const live = (await client(server, server.merchant.keys.sk_live).post<PixIntent>('/v1/payment_intents', { amount: 1_000, currency: 'brl', payment_method_types: ['pix'] })).body;
    expect((await bank({ payment_intent: live.id })).status).toBe(404);
    expect((await bank({ hello: 'world' })).body).toMatchObject({ error: { code: 'parameter_missing', param: 'payment_intent' } });
    const livePath = await fetch(`${server.url}/internal/webhooks/starkbank-payments-live`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(livePath.status).toBe(400);
    expect((await api.get<PixIntent>(`/v1/payment_intents/${canceled.id}`)).body.status).toBe('canceled');
  });
});
