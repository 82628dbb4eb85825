import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

type Obj = Record<string, unknown>;

describe.each(ENGINES)('setup intents (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  const newCustomer = async () => (await api.post('/v1/customers', {})).body.id as string;
  const setupEvents = async (id: string) =>
    ((await api.get('/v1/events?limit=100')).body.data as { type: string; data: { object: Obj } }[])
      .filter((e) => e.data.object.id === id)
      .map((e) => e.type)
      .reverse();

  it('follows the recurring-billing guide: create, confirm with a payment method, which is attached', async () => {
    const customer = await newCustomer();
    const created = await api.post('/v1/setup_intents', { customer, usage: 'off_session', metadata: { plan: 'pro' } });
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    expect(id).toMatch(/^seti_/);
    expect(created.body).toMatchObject({
      object: 'setup_intent',
      status: 'requires_payment_method',
      customer,
      usage: 'off_session',
      payment_method: null,
      livemode: false,
      next_action: null,
      last_setup_error: null,
      metadata: { plan: 'pro' },
    });
    expect(created.body.client_secret).toMatch(new RegExp(`^${id}_secret_`));

    const pm = (await api.post('/v1/payment_methods', { type: 'card', card: { number: '4242424242424242', exp_month: 8, exp_year: 2031 } })).body.id as string;
    const confirmed = await api.post(`/v1/setup_intents/${id}/confirm`, { payment_method: pm });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'succeeded', payment_method: pm });
    expect((await api.get(`/v1/payment_methods/${pm}`)).body.customer).toBe(customer);
    expect(await setupEvents(id)).toEqual(['setup_intent.created', 'setup_intent.succeeded']);
    expect((await api.get(`/v1/setup_intents/${id}`)).body).toEqual(confirmed.body);

    // The saved card then pays for the customer.
    const pi = await api.post('/v1/payment_intents', { amount: 2_500, currency: 'usd', customer, payment_method: pm, confirm: true });
    expect(pi.body.status).toBe('succeeded');
  });

  it('a shared test id is saved as a new PaymentMethod attached to the customer', async () => {
    const customer = await newCustomer();
    const si = await api.post('/v1/setup_intents', { customer, payment_method: 'pm_card_mastercard', confirm: true });
    expect(si.body.status).toBe('succeeded');
    const saved = si.body.payment_method as string;
    expect(saved).toMatch(/^pm_/);
    expect(saved).not.toBe('pm_card_mastercard');
    expect((await api.get(`/v1/payment_methods?customer=${customer}`)).body.data).toMatchObject([{ id: saved, card: { brand: 'mastercard' } }]);
  });

  it('a card with insufficient funds can still be saved (no money moves); a declined card cannot', async () => {
    const customer = await newCustomer();
    const ok = await api.post('/v1/setup_intents', { customer, payment_method: 'pm_card_insufficient_funds', confirm: true });
    expect(ok.body.status).toBe('succeeded');
    const declined = await api.post('/v1/setup_intents', { customer, payment_method: 'pm_card_declined', confirm: true });
    const err = expectError(declined, 402, 'card_declined', null);
    expect(err).toMatchObject({ type: 'payment_error', decline_code: 'generic_decline' });
    const si = err.setup_intent as Obj;
    expect(si).toMatchObject({ status: 'requires_payment_method', payment_method: null, last_setup_error: { code: 'card_declined', decline_code: 'generic_decline' } });
    expect(await setupEvents(si.id as string)).toEqual(['setup_intent.created', 'setup_intent.setup_failed']);
    // Retry with a good card.
    const retried = await api.post(`/v1/setup_intents/${si.id as string}/confirm`, { payment_method: 'pm_card_visa' });
    expect(retried.body).toMatchObject({ status: 'succeeded', last_setup_error: null });
  });

  it('3-D Secure: requires_action with a local page; completing it saves the card, failing it does not', async () => {
    const customer = await newCustomer();
    for (const answer of ['complete', 'fail'] as const) {
      const si = (
        await api.post('/v1/setup_intents', {
          customer,
          confirm: true,
          return_url: 'https://shop.example/saved',
          payment_method_data: { type: 'card', card: { number: '4000002760003184', exp_month: 1, exp_year: 2039 } },
        })
      ).body;
      expect(si.status).toBe('requires_action');
      const url = (si.next_action as { redirect_to_url: { url: string; return_url: string } }).redirect_to_url;
      expect(url.return_url).toBe('https://shop.example/saved');
      const path = new URL(url.url).pathname;
      const page = await (await fetch(server.url + path)).text();
      expect(page).toContain('Save the card');
      const res = await fetch(server.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `result=${answer}`,
        redirect: 'manual',
      });
      expect(res.status).toBe(303);
      const location = new URL(res.headers.get('location') ?? '');
      expect(location.searchParams.get('setup_intent')).toBe(si.id);
      expect(location.searchParams.get('redirect_status')).toBe(answer === 'complete' ? 'succeeded' : 'failed');
      const after = (await api.get(`/v1/setup_intents/${si.id as string}`)).body;
      if (answer === 'complete') {
        expect(after).toMatchObject({ status: 'succeeded', next_action: null });
        expect((await api.get(`/v1/payment_methods/${after.payment_method as string}`)).body.customer).toBe(customer);
        expect(await setupEvents(si.id as string)).toEqual(['setup_intent.created', 'setup_intent.requires_action', 'setup_intent.succeeded']);
      } else {
        expect(after).toMatchObject({ status: 'requires_payment_method', payment_method: null, last_setup_error: { code: 'setup_intent_authentication_failure' } });
        expect(await setupEvents(si.id as string)).toEqual(['setup_intent.created', 'setup_intent.requires_action', 'setup_intent.setup_failed']);
      }
    }
  });

  it('confirms nothing for a customer deleted after the intent named it (404, nothing written): confirm, 3-D Secure page, declines too', async () => {
    const customer = await newCustomer();
    const si = (await api.post('/v1/setup_intents', { customer })).body.id as string;
    const pending = (
      await api.post('/v1/setup_intents', { customer, confirm: true, return_url: 'https://shop.example/r', payment_method: 'pm_card_3ds_required' })
    ).body;
    expect(pending.status).toBe('requires_action');
    const pi = (await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', customer, setup_future_usage: 'off_session', payment_method: 'pm_card_visa' })).body
      .id as string;
    const declining = (await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', customer, payment_method: 'pm_card_declined' })).body.id as string;
    expect((await api.del(`/v1/customers/${customer}`)).status).toBe(200);
    const events = async () => (await api.get('/v1/events?limit=100')).body.data as unknown[];
    const before = (await events()).length;

    expectError(await api.post(`/v1/setup_intents/${si}/confirm`, { payment_method: 'pm_card_visa' }), 404, 'resource_missing', 'customer');
    // Before the processor is asked: a card that would be declined records no failed attempt either.
    expectError(await api.post(`/v1/setup_intents/${si}/confirm`, { payment_method: 'pm_card_declined' }), 404, 'resource_missing', 'customer');
    expectError(await api.post(`/v1/payment_intents/${declining}/confirm`, {}), 404, 'resource_missing', 'customer');
    expect((await api.get(`/v1/charges?payment_intent=${declining}`)).body.data).toEqual([]);
    expect((await api.get(`/v1/setup_intents/${si}`)).body).toMatchObject({ status: 'requires_payment_method', payment_method: null });
    expectError(await api.post(`/v1/payment_intents/${pi}/confirm`, {}), 404, 'resource_missing', 'customer');
    expect((await api.get(`/v1/payment_intents/${pi}`)).body).toMatchObject({ status: 'requires_confirmation', latest_charge: null });
    expect((await api.get(`/v1/charges?payment_intent=${pi}`)).body.data).toEqual([]);

    const path = new URL((pending.next_action as { redirect_to_url: { url: string } }).redirect_to_url.url).pathname;
    const page = await fetch(server.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'result=complete',
      redirect: 'manual',
    });
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('No such customer');
    expect((await api.get(`/v1/setup_intents/${pending.id as string}`)).body.status).toBe('requires_action');
    expect((await events()).length).toBe(before);
  });

  it('takes currency and setup_future_usage (off_session only) on create and update', async () => {
    const customer = await newCustomer();
    const created = await api.post('/v1/setup_intents', { customer, currency: 'eur', setup_future_usage: 'off_session' });
    expect(created.body).toMatchObject({ currency: 'eur', usage: 'off_session' });
    const id = created.body.id as string;
    expect((await api.post(`/v1/setup_intents/${id}`, { currency: 'usd' })).body).toMatchObject({ currency: 'usd' });
    expect((await api.get(`/v1/setup_intents/${id}`)).body).toMatchObject({ currency: 'usd' });
    expect((await api.post(`/v1/setup_intents/${id}`, { currency: null })).body).toMatchObject({ currency: null });
    expect((await api.post('/v1/setup_intents', { customer })).body).toMatchObject({ currency: null, usage: 'off_session' });
    expectError(await api.post('/v1/setup_intents', { customer, currency: 'USD' }), 400, 'parameter_invalid', 'currency');
    expectError(await api.post('/v1/setup_intents', { customer, currency: 'xyz' }), 400, 'parameter_invalid', 'currency');
    const onSession = { customer, usage: 'on_session', setup_future_usage: 'off_session' };
    expectError(await api.post('/v1/setup_intents', { customer, setup_future_usage: 'on_session' }), 400, 'parameter_invalid', 'setup_future_usage');
    expectError(await api.post('/v1/setup_intents', onSession), 400, 'parameter_invalid', 'setup_future_usage');
  });

  it('updates, lists and cancels', async () => {
    const customer = await newCustomer();
    const id = (await api.post('/v1/setup_intents', { customer })).body.id as string;
    const updated = await api.post(`/v1/setup_intents/${id}`, { payment_method: 'pm_card_visa', description: 'Card for renewals', metadata: { k: 'v' } });
    expect(updated.body).toMatchObject({ status: 'requires_confirmation', payment_method: 'pm_card_visa', description: 'Card for renewals', metadata: { k: 'v' } });
    const list = await api.get(`/v1/setup_intents?customer=${customer}`);
    expect(list.body).toMatchObject({ object: 'list', url: '/v1/setup_intents' });
    expect((list.body.data as Obj[]).map((s) => s.id)).toEqual([id]);
    const canceled = await api.post(`/v1/setup_intents/${id}/cancel`, { cancellation_reason: 'abandoned' });
    expect(canceled.body).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect(await setupEvents(id)).toEqual(['setup_intent.created', 'setup_intent.canceled']);
    const err = expectError(await api.post(`/v1/setup_intents/${id}/confirm`, {}), 400, 'setup_intent_unexpected_state');
    expect(err.message).toContain('status of canceled');
    expectError(await api.post(`/v1/setup_intents/${id}/cancel`, {}), 400, 'setup_intent_unexpected_state');
    expectError(await api.post(`/v1/setup_intents/${id}`, { payment_method: 'pm_card_visa' }), 400, 'setup_intent_unexpected_state');
    // Metadata can still change.
    expect((await api.post(`/v1/setup_intents/${id}`, { metadata: { after: 'cancel' } })).body.metadata).toEqual({ k: 'v', after: 'cancel' });
  });

  it('rejects bad input with the parameter named', async () => {
    const customer = await newCustomer();
    expectError(await api.post('/v1/setup_intents', {}), 400, 'parameter_missing', 'customer');
    expectError(await api.post('/v1/setup_intents', { customer: 'cus_missing' }), 404, 'resource_missing', 'customer');
    expectError(await api.post('/v1/setup_intents', { customer, usage: 'sometimes' }), 400, 'parameter_invalid', 'usage');
    expectError(await api.post('/v1/setup_intents', { customer, return_url: 'https://x.example' }), 400, 'parameter_invalid', 'return_url');
    const id = (await api.post('/v1/setup_intents', { customer })).body.id as string;
    expectError(await api.post(`/v1/setup_intents/${id}/confirm`, {}), 400, 'parameter_missing', 'payment_method');
    expectError(await api.post(`/v1/setup_intents/${id}/confirm`, { payment_method: 'pm_nope' }), 404, 'resource_missing', 'payment_method');
    expectError(
      await api.post(`/v1/setup_intents/${id}/confirm`, { payment_method_data: { type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2000 } } }),
      400,
      'parameter_invalid',
      'payment_method_data[card][exp_year]',
    );
    const succeeded = (await api.post('/v1/setup_intents', { customer, payment_method: 'pm_card_visa', confirm: true })).body.id as string;
    expectError(await api.post(`/v1/setup_intents/${succeeded}/cancel`, {}), 400, 'setup_intent_unexpected_state');
    expectError(await api.post(`/v1/setup_intents/${succeeded}/confirm`, {}), 400, 'setup_intent_unexpected_state');
  });
});
