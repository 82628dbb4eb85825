import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

type Obj = Record<string, unknown>;

describe.each(ENGINES)('payment methods (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  const eventTypes = async (type: string) => ((await api.get(`/v1/events?type=${type}&limit=100`)).body.data as { data: { object: Obj } }[]).map((e) => e.data.object);

  it('retrieves a shared test id as a PaymentMethod with that id, in test mode', async () => {
    const res = await api.get('/v1/payment_methods/pm_card_visa');
    expect(res.body).toMatchObject({
      id: 'pm_card_visa',
      object: 'payment_method',
      type: 'card',
      customer: null,
      livemode: false,
      created: 1_704_067_200,
      card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034, funding: 'credit', country: 'US' },
    });
    expect((await api.get('/v1/payment_methods/pm_card_3ds_required')).body.card).toMatchObject({ last4: '3184' });
    expect((await api.get('/v1/payment_methods/pm_card_amex')).body.card).toMatchObject({ brand: 'amex', last4: '0005' });
    expectError(await api.get('/v1/payment_methods/pm_card_nonsense'), 404, 'resource_missing', 'id');
    // Not stored, so not listed.
    expect(((await api.get('/v1/payment_methods')).body.data as Obj[]).some((p) => p.id === 'pm_card_visa')).toBe(false);
  });

  it('attaches per the Fluveo reference (POST /v1/payment_methods): a test id becomes a stored copy', async () => {
    const customer = (await api.post('/v1/customers', { email: 'pm@example.com' })).body.id as string;
    const attached = await api.post('/v1/payment_methods', { payment_method: 'pm_card_visa', customer });
    expect(attached.status).toBe(200);
    expect(attached.body).toMatchObject({ object: 'payment_method', customer, card: { last4: '4242' } });
    expect(attached.body.id).toMatch(/^pm_/);
    expect(attached.body.id).not.toBe('pm_card_visa');
    const list = await api.get(`/v1/payment_methods?customer=${customer}&type=card`);
    expect((list.body.data as Obj[]).map((p) => p.id)).toEqual([attached.body.id]);
    expect((await eventTypes('payment_method.attached')).map((o) => o.id)).toContain(attached.body.id);
    // The same list under the customer (GET /v1/customers/{id}/payment_methods), its url the path used.
    const under = await api.get(`/v1/customers/${customer}/payment_methods?type=card`);
    expect(under.body).toMatchObject({ object: 'list', has_more: false, url: `/v1/customers/${customer}/payment_methods` });
    expect((under.body.data as Obj[]).map((p) => p.id)).toEqual([attached.body.id]);
    expectError(await api.get('/v1/customers/cus_nope/payment_methods'), 404, 'resource_missing', 'id');
    expectError(await client(server, server.other.keys.sk_test).get(`/v1/customers/${customer}/payment_methods`), 404, 'resource_missing', 'id');
    expectError(await api.get(`/v1/customers/${customer}/payment_methods?type=sepa`), 400, 'parameter_invalid', 'type');
    // The filter of GET /v1/payment_methods answers as the path does: 404 for a customer that is not there.
    expectError(await api.get('/v1/payment_methods?customer=cus_nope'), 404, 'resource_missing', 'customer');
    expectError(await client(server, server.other.keys.sk_test).get(`/v1/payment_methods?customer=${customer}`), 404, 'resource_missing', 'customer');

    // The stored copy pays for that customer.
    const pi = await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', customer, payment_method: attached.body.id, confirm: true });
    expect(pi.body).toMatchObject({ status: 'succeeded', payment_method: attached.body.id });

    // A deleted customer's cards are listed by neither path.
    expect((await api.del(`/v1/customers/${customer}`)).status).toBe(200);
    expectError(await api.get(`/v1/payment_methods?customer=${customer}`), 404, 'resource_missing', 'customer');
    expectError(await api.get(`/v1/customers/${customer}/payment_methods`), 404, 'resource_missing', 'id');
  });

  it('creates a card PaymentMethod from card details, attaches and detaches it by id', async () => {
    const customer = (await api.post('/v1/customers', {})).body.id as string;
    const created = await api.post('/v1/payment_methods', {
      type: 'card',
      card: { number: '5555555555554444', exp_month: 4, exp_year: 2033, cvc: '737' },
      billing_details: { name: 'Ada Lovelace', email: 'ada@example.com', address: { country: 'gb', postal_code: 'N1' } },
      metadata: { source: 'test' },
    });
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({
      customer: null,
      metadata: { source: 'test' },
      billing_details: { name: 'Ada Lovelace', email: 'ada@example.com', address: { country: 'GB', postal_code: 'N1', line1: null } },
      card: { brand: 'mastercard', last4: '4444', exp_month: 4, exp_year: 2033, checks: { cvc_check: 'pass' } },
    });
    const attached = await api.post(`/v1/payment_methods/${id}/attach`, { customer });
    expect(attached.body).toMatchObject({ id, customer });
    // Attaching again to the same customer changes nothing; to another customer is refused.
    expect((await api.post(`/v1/payment_methods/${id}/attach`, { customer })).body).toMatchObject({ id, customer });
    const someoneElse = (await api.post('/v1/customers', {})).body.id as string;
    expectError(await api.post(`/v1/payment_methods/${id}/attach`, { customer: someoneElse }), 400, 'payment_method_unexpected_state', 'id');
    // An attached card pays only for its customer.
    expectError(await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', payment_method: id }), 400, 'parameter_invalid', 'payment_method');
    expectError(await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', customer: someoneElse, payment_method: id }), 400, 'parameter_invalid', 'payment_method');

    const detached = await api.post(`/v1/payment_methods/${id}/detach`, {});
    expect(detached.body).toMatchObject({ id, customer: null });
    expect((await eventTypes('payment_method.detached')).map((o) => o.id)).toEqual([id]);
    expect((await api.get(`/v1/payment_methods?customer=${customer}`)).body.data).toEqual([]);
    // Detached cards cannot be used or re-attached.
    expectError(await api.post(`/v1/payment_methods/${id}/detach`, {}), 400, 'payment_method_unexpected_state', 'id');
    expectError(await api.post(`/v1/payment_methods/${id}/attach`, { customer }), 400, 'payment_method_unexpected_state', 'id');
    expectError(await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', payment_method: id }), 400, 'parameter_invalid', 'payment_method');
  });

  it('creates and attaches in one call when customer is given with card details', async () => {
    const customer = (await api.post('/v1/customers', {})).body.id as string;
    const created = await api.post('/v1/payment_methods', { type: 'card', card: { number: '4242424242424242', exp_month: 4, exp_year: 2033 }, customer });
    expect(created.body).toMatchObject({ customer, card: { checks: { cvc_check: null } } });
  });

  it('rejects bad input with the parameter named', async () => {
    const customer = (await api.post('/v1/customers', {})).body.id as string;
    expectError(await api.post('/v1/payment_methods', { payment_method: 'pm_card_visa' }), 400, 'parameter_missing', 'customer');
    expectError(await api.post('/v1/payment_methods', {}), 400, 'parameter_missing', 'payment_method');
    expectError(await api.post('/v1/payment_methods', { type: 'card' }), 400, 'parameter_missing', 'card');
    expectError(await api.post('/v1/payment_methods', { type: 'sepa_debit' }), 400, 'parameter_invalid', 'type');
    expectError(await api.post('/v1/payment_methods', { payment_method: 'pm_card_visa', customer: 'cus_missing' }), 404, 'resource_missing', 'customer');
    expectError(await api.post('/v1/payment_methods', { payment_method: 'pm_card_visa', customer, type: 'card' }), 400, 'parameter_invalid', 'type');
    expectError(await api.post('/v1/payment_methods', { type: 'card', card: { number: '1234567812345678', exp_month: 1, exp_year: 2040 } }), 400, 'parameter_invalid', 'card[number]');
    expectError(await api.post('/v1/payment_methods/pm_card_visa/attach', {}), 400, 'parameter_missing', 'customer');
    expectError(await api.post('/v1/payment_methods/pm_card_visa/detach', {}), 400, 'payment_method_unexpected_state', 'id');
    expectError(await api.post('/v1/payment_methods/pm_unknown/attach', { customer }), 404, 'resource_missing', 'id');
    expectError(await api.get('/v1/payment_methods?type=bank'), 400, 'parameter_invalid', 'type');
  });
});
