import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

type Obj = Record<string, unknown>;

/** The authentication page as a browser sees it: the page, its form, and the button pressed. */
async function openPage(server: TestServer, nextActionUrl: string) {
  const path = new URL(nextActionUrl).pathname;
  const res = await fetch(server.url + path);
  const text = await res.text();
  return { path, status: res.status, headers: res.headers, text };
}

async function press(server: TestServer, path: string, html: string, label: 'Complete authentication' | 'Fail authentication') {
  const form = /<form method="post"(?: action="([^"]*)")?>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error('no form on the page');
  const button = new RegExp(`<button[^>]*name="([^"]+)" value="([^"]+)">${label}</button>`).exec(form[2] ?? '');
  if (!button) throw new Error(`no "${label}" button`);
  const action = form[1] ? form[1] : path;
  return fetch(server.url + action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `${encodeURIComponent(button[1] ?? '')}=${encodeURIComponent(button[2] ?? '')}`,
    redirect: 'manual',
  });
}

describe.each(ENGINES)('3-D Secure through the local authentication page (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  const eventsOf = async (pi: string) =>
    ((await api.get(`/v1/events?payment_intent=${pi}&limit=100`)).body.data as { type: string }[]).map((e) => e.type).reverse();

  const start = async (extra: Obj = {}) => {
    const res = await api.post('/v1/payment_intents', {
      amount: 4_200,
      currency: 'eur',
      payment_method: 'pm_card_3ds_required',
      confirm: true,
      return_url: 'https://shop.example/return?order=7',
      ...extra,
    });
    expect(res.status).toBe(200);
    return res.body;
  };

  it('asks for authentication, and "Complete authentication" succeeds and redirects to return_url', async () => {
    const pi = await start();
    const id = pi.id as string;
    expect(pi.status).toBe('requires_action');
    const next = pi.next_action as { type: string; redirect_to_url: { url: string; return_url: string } };
    expect(next.type).toBe('redirect_to_url');
    expect(next.redirect_to_url.return_url).toBe('https://shop.example/return?order=7');
    expect(next.redirect_to_url.url).toMatch(/\/authenticate\/[A-Za-z0-9]{40}$/);
    expect(pi.charges).toMatchObject({ data: [] });

    const page = await openPage(server, next.redirect_to_url.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toContain('Complete authentication');
    expect(page.text).toContain('Fail authentication');
    expect(page.text).toContain('€42.00');
    expect(page.text).toContain('•••• 3184');

    const res = await press(server, page.path, page.text, 'Complete authentication');
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe('https://shop.example/return');
    expect(Object.fromEntries(location.searchParams)).toEqual({
      order: '7',
      payment_intent: id,
      payment_intent_client_secret: pi.client_secret,
      redirect_status: 'succeeded',
    });

    const after = (await api.get(`/v1/payment_intents/${id}`)).body;
    expect(after).toMatchObject({ status: 'succeeded', amount_received: 4_200, next_action: null });
    expect((after.charges as { data: Obj[] }).data[0]).toMatchObject({
      status: 'succeeded',
      payment_method_details: { card: { three_d_secure: { authenticated: true } } },
    });
    expect(await eventsOf(id)).toEqual(['payment_intent.created', 'payment_intent.requires_action', 'charge.succeeded', 'payment_intent.succeeded']);

    // The link is spent: pressing again changes nothing.
    const again = await press(server, page.path, page.text, 'Fail authentication');
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('already answered');
    expect((await api.get(`/v1/payment_intents/${id}`)).body.status).toBe('succeeded');
    const reopened = await openPage(server, next.redirect_to_url.url);
    expect(reopened.text).toContain('already answered');
    expect(reopened.text).not.toContain('<form');
    expect(reopened.text).not.toContain('Choose the outcome'); // nothing left to choose
  });

  it('"Fail authentication" returns the intent to requires_payment_method; another card then succeeds', async () => {
    const pi = await start();
    const id = pi.id as string;
    const url = (pi.next_action as { redirect_to_url: { url: string } }).redirect_to_url.url;
    const page = await openPage(server, url);
    const res = await press(server, page.path, page.text, 'Fail authentication');
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location') ?? '').searchParams.get('redirect_status')).toBe('failed');
    const after = (await api.get(`/v1/payment_intents/${id}`)).body;
    expect(after).toMatchObject({
      status: 'requires_payment_method',
      payment_method: null,
      next_action: null,
      last_payment_error: { type: 'payment_error', code: 'payment_intent_authentication_failure', payment_method: 'pm_card_3ds_required' },
    });
    expect(await eventsOf(id)).toEqual(['payment_intent.created', 'payment_intent.requires_action', 'payment_intent.payment_failed']);

    const retried = await api.post(`/v1/payment_intents/${id}/confirm`, { payment_method: 'pm_card_visa' });
    expect(retried.body).toMatchObject({ status: 'succeeded', last_payment_error: null });
  });

  it('off_session: a card that needs authentication is declined authentication_required; one that does not succeeds', async () => {
    const base = { amount: 2900, currency: 'usd', confirm: true, off_session: true };
    const declined = await api.post('/v1/payment_intents', { ...base, payment_method: 'pm_card_3ds_required' });
    const err = expectError(declined, 402, 'card_declined');
    expect(err).toMatchObject({ type: 'payment_error', decline_code: 'authentication_required' });
    const id = (err.payment_intent as { id: string }).id;
    const after = (await api.get(`/v1/payment_intents/${id}`)).body;
    expect(after).toMatchObject({ status: 'requires_payment_method', next_action: null, last_payment_error: { decline_code: 'authentication_required' } });
    const paid = await api.post('/v1/payment_intents', { ...base, payment_method: 'pm_card_visa' });
    expect(paid.body).toMatchObject({ status: 'succeeded' });
    // On the confirm call too; and only together with a confirmation.
    const later = await api.post<{ id: string }>('/v1/payment_intents', { amount: 2900, currency: 'usd', payment_method: 'pm_card_3ds_required' });
    const confirmErr = expectError(await api.post(`/v1/payment_intents/${later.body.id}/confirm`, { off_session: true }), 402, 'card_declined');
    expect(confirmErr.decline_code).toBe('authentication_required');
    expectError(await api.post('/v1/payment_intents', { amount: 2900, currency: 'usd', off_session: true }), 400, 'parameter_invalid', 'off_session');
  });

  it('works without return_url: the page shows the result', async () => {
    const created = await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', payment_method: 'pm_card_3ds_required' });
    const pi = (await api.post(`/v1/payment_intents/${created.body.id as string}/confirm`, {})).body;
    const next = pi.next_action as { redirect_to_url: { url: string; return_url: string | null } };
    expect(next.redirect_to_url.return_url).toBeNull();
    const page = await openPage(server, next.redirect_to_url.url);
    const res = await press(server, page.path, page.text, 'Complete authentication');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Authentication complete');
    expect((await api.get(`/v1/payment_intents/${pi.id as string}`)).body.status).toBe('succeeded');
  });

  it('authenticates card details that require 3-D Secure (4000 0027 6000 3184 and 4000 0000 0000 3220)', async () => {
    for (const number of ['4000002760003184', '4000000000003220']) {
      const pi = (
        await api.post('/v1/payment_intents', {
          amount: 900,
          currency: 'usd',
          confirm: true,
          payment_method_data: { type: 'card', card: { number, exp_month: 3, exp_year: 2040, cvc: '314' } },
        })
      ).body;
      expect(pi.status).toBe('requires_action');
      const page = await openPage(server, (pi.next_action as { redirect_to_url: { url: string } }).redirect_to_url.url);
      await press(server, page.path, page.text, 'Complete authentication');
      expect((await api.get(`/v1/payment_intents/${pi.id as string}`)).body.status).toBe('succeeded');
    }
  });

  it('with manual capture, authentication leads to requires_capture', async () => {
    const pi = await start({ capture_method: 'manual' });
    const page = await openPage(server, (pi.next_action as { redirect_to_url: { url: string } }).redirect_to_url.url);
    const res = await press(server, page.path, page.text, 'Complete authentication');
    expect(new URL(res.headers.get('location') ?? '').searchParams.get('redirect_status')).toBe('succeeded');
    const after = (await api.get(`/v1/payment_intents/${pi.id as string}`)).body;
    expect(after).toMatchObject({ status: 'requires_capture', amount_capturable: 4_200 });
    expect((await eventsOf(pi.id as string)).at(-1)).toBe('payment_intent.amount_capturable_updated');
  });

  it('with manual confirmation, authentication returns to requires_confirmation and the server confirms', async () => {
    const pi = await start({ confirmation_method: 'manual' });
    const page = await openPage(server, (pi.next_action as { redirect_to_url: { url: string } }).redirect_to_url.url);
    await press(server, page.path, page.text, 'Complete authentication');
    const waiting = (await api.get(`/v1/payment_intents/${pi.id as string}`)).body;
    expect(waiting).toMatchObject({ status: 'requires_confirmation', next_action: null, payment_method: 'pm_card_3ds_required' });
    const confirmed = await api.post(`/v1/payment_intents/${pi.id as string}/confirm`, {});
    expect(confirmed.body).toMatchObject({ status: 'succeeded' });
  });

  it('a card declined after authentication (4000 0082 6000 3178) records the decline', async () => {
    const pi = (
      await api.post('/v1/payment_intents', {
        amount: 900,
        currency: 'usd',
        confirm: true,
        payment_method_data: { type: 'card', card: { number: '4000008260003178', exp_month: 3, exp_year: 2040 } },
      })
    ).body;
    const page = await openPage(server, (pi.next_action as { redirect_to_url: { url: string } }).redirect_to_url.url);
    const res = await press(server, page.path, page.text, 'Complete authentication');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Authentication failed');
    const after = (await api.get(`/v1/payment_intents/${pi.id as string}`)).body;
    expect(after).toMatchObject({ status: 'requires_payment_method', last_payment_error: { decline_code: 'insufficient_funds' } });
    expect((after.charges as { data: Obj[] }).data[0]).toMatchObject({ status: 'failed', outcome: { reason: 'insufficient_funds' } });
  });

  it('a new confirmation or a cancel retires the old link; unknown links are 404', async () => {
    const pi = await start();
    const oldUrl = (pi.next_action as { redirect_to_url: { url: string } }).redirect_to_url.url;
    const reconfirmed = (await api.post(`/v1/payment_intents/${pi.id as string}/confirm`, { payment_method: 'pm_card_3ds_required' })).body;
    const newUrl = (reconfirmed.next_action as { redirect_to_url: { url: string } }).redirect_to_url.url;
    expect(newUrl).not.toBe(oldUrl);
    const old = await openPage(server, oldUrl);
    // Nobody answered it: the page says it was replaced, not that the authentication failed.
    expect(old.text).toContain('Authentication link replaced');
    expect(old.text).toContain('A newer authentication was requested for this payment');
    expect(old.text).not.toContain('failed');
    expect(old.text).not.toContain('<form');
    const pressOld = await fetch(server.url + old.path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'result=complete', redirect: 'manual' });
    expect(pressOld.status).toBe(200);
    expect(await pressOld.text()).toContain('Authentication link replaced');
    expect((await api.get(`/v1/payment_intents/${pi.id as string}`)).body.status).toBe('requires_action');

    await api.post(`/v1/payment_intents/${pi.id as string}/cancel`, {});
    const canceled = await openPage(server, newUrl);
    expect(canceled.text).toContain('The payment was canceled; this link no longer works.');
    expect(canceled.text).not.toContain('failed');

    const unknown = await fetch(`${server.url}/authenticate/${'x'.repeat(40)}`);
    expect(unknown.status).toBe(404);
    const junk = await fetch(`${server.url}/authenticate/%3Cscript%3E`);
    expect(junk.status).toBe(404);
    expect(await junk.text()).not.toContain('<script>');
  });

  it('refuses a submission without an outcome', async () => {
    const pi = await start();
    const path = new URL((pi.next_action as { redirect_to_url: { url: string } }).redirect_to_url.url).pathname;
    const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'result=maybe' });
    expect(res.status).toBe(400);
    expect((await api.get(`/v1/payment_intents/${pi.id as string}`)).body.status).toBe('requires_action');
  });
});
