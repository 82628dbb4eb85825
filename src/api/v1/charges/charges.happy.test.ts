import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

type Obj = Record<string, unknown>;

describe.each(ENGINES)('charges (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  it('lists charges by payment intent and by customer, newest first, and retrieves them', async () => {
    const customer = (await api.post('/v1/customers', {})).body.id as string;
    const declined = await api.post('/v1/payment_intents', { amount: 1_200, currency: 'usd', customer, payment_method: 'pm_card_declined', confirm: true });
    const pi = ((declined.body as { error: { payment_intent: Obj } }).error.payment_intent).id as string;
    const paid = (await api.post(`/v1/payment_intents/${pi}/confirm`, { payment_method: 'pm_card_visa', receipt_email: 'r@example.com' })).body;
    const other = (await api.post('/v1/payment_intents', { amount: 800, currency: 'usd', payment_method: 'pm_card_visa', confirm: true })).body;

    const byIntent = (await api.get(`/v1/charges?payment_intent=${pi}`)).body.data as Obj[];
    expect(byIntent.map((c) => c.status)).toEqual(['succeeded', 'failed']);
    expect(byIntent[0]).toMatchObject({ id: paid.latest_charge, receipt_email: 'r@example.com', customer, amount: 1_200 });
    const byCustomer = (await api.get(`/v1/charges?customer=${customer}`)).body.data as Obj[];
    expect(byCustomer.map((c) => c.id)).toEqual(byIntent.map((c) => c.id));
    const all = (await api.get('/v1/charges?limit=2')).body;
    expect(all).toMatchObject({ has_more: true, url: '/v1/charges' });
    expect((all.data as Obj[])[0]?.id).toBe(other.latest_charge);

    const one = await api.get(`/v1/charges/${byIntent[1]?.id as string}`);
    expect(one.body).toMatchObject({ object: 'charge', status: 'failed', failure_code: 'card_declined', failure_message: 'The card was declined for an unspecified reason.', paid: false });
    expectError(await api.get('/v1/charges/ch_unknown'), 404, 'resource_missing', 'id');
    expectError(await api.get('/v1/charges?payment_intent=cus_wrong'), 400, 'parameter_invalid', 'payment_intent');
    expectError(await api.post('/v1/charges', {}), 404, 'url_invalid');
  });
});
