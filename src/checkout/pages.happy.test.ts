import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/harness.js';
import { buyerFields, createSession as createSessionVia, fieldError, formMessage, getPage, hiddenFields, inputValue, postPage, sessionBody, TWO_SHIPPING_OPTIONS } from '../../test/browser/page-client.js';
import { usePageServer } from '../../test/browser/server.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const LANDING = 'https://shop.example';

describe.each(ENGINES)('hosted checkout pages, happy paths (%s)', (engine) => {
  const server = usePageServer(engine);

  const createSession = (extra: Record<string, unknown> = {}) => createSessionVia(server().api, LANDING, extra);

  const path = (s: Obj) => new URL(s.url as string).pathname;

  async function pay(s: Obj, overrides: Record<string, string> = {}) {
    const page = await getPage(server().url, path(s));
    expect(page.status).toBe(200);
    return postPage(server().url, path(s), { ...hiddenFields(page.html), ...buyerFields(overrides) });
  }

  it("serves the session's url: merchant, items, amounts, totals, test mode, test cards, standard fields", async () => {
    const s = await createSession({ customer_email: 'buyer@example.com', phone_number_collection: true });
    expect(s.url).toBe(`${server().url}/c/${s.id}`);
    const page = await getPage(server().url, path(s));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = page.html;
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Brightwater Coffee');
    expect(html).toContain('House blend, 1 kg');
    expect(html).toContain('Qty 2 × $6.50');
    expect(html).toContain('<dd id="subtotal-amount">$31.00</dd>');
    expect(html).toContain('<dd id="shipping-amount">$0.00</dd>');
    expect(html).toContain('<dd id="tax-amount">$0.00</dd>');
    expect(html).toContain('<dd class="total" id="total-amount">$31.00</dd>');
    expect(html).toContain('Pay $31.00');
    expect(html).toContain('Test mode');
    expect(html).toContain('4242 4242 4242 4242');
    expect(html).toContain('value="pm_card_visa"');
    expect(html).toContain('value="pm_card_3ds_required"');
    expect(inputValue(html, 'email')).toBe('buyer@example.com');
    for (const ac of ['email', 'name', 'tel', 'postal-code', 'country', 'cc-number', 'cc-exp-month', 'cc-exp-year', 'cc-csc']) {
      expect(html).toContain(`autocomplete="${ac}"`);
    }
    for (const name of ['email', 'name', 'phone', 'card[number]', 'card[exp_month]', 'card[exp_year]', 'card[cvc]']) {
      expect(html).toContain(`name="${name}"`);
    }
    expect(html).toMatch(/<form id="checkout-form" method="post" action="\/c\/cs_[A-Za-z0-9]+"/);
    expect(html).toContain(`href="${LANDING}/cart"`); // the cancel link goes to cancel_url
    expect(hiddenFields(html).form_key).toMatch(/^[A-Za-z0-9]{24}$/);
  });

  it('formats zero-decimal currencies', async () => {
    const res = await server().api.post<Obj>('/v1/checkout/sessions', {
      line_items: [{ price_data: { currency: 'jpy', unit_amount: 1500, product_data: { name: 'Matcha' } }, quantity: 3 }],
      success_url: `${LANDING}/ok`,
    });
    const page = await getPage(server().url, path(res.body));
    expect(page.html).toContain('¥4,500');
    expect(page.html).not.toContain('¥45.00');
  });

  it('pays with 4242: 303 to success_url with the id substituted; session, intent, charge, customer, events', async () => {
    const s = await createSession({ customer_creation: 'always' });
    const res = await pay(s);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${LANDING}/success?session_id=${s.id}`);

    const session = (await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}?expand[]=payment_intent`)).body;
    expect(session.status).toBe('complete');
    expect(session.payment_status).toBe('paid');
    expect(session.customer_details).toMatchObject({ email: 'jenny@example.com', name: 'Jenny Rosen', address: { country: 'US', postal_code: '94107' } });
    expect(session.customer).toMatch(/^cus_/);
    const pi = session.payment_intent as Obj;
    expect(pi.status).toBe('succeeded');
    expect(pi.amount).toBe(3100);
    expect(pi.amount_received).toBe(3100);
    const charges = (await server().api.get<Obj>(`/v1/charges?payment_intent=${pi.id}`)).body.data as Obj[];
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ status: 'succeeded', amount: 3100, paid: true });
    expect(charges[0]!.payment_method_details.card).toMatchObject({ brand: 'visa', last4: '4242' });
    const customer = (await server().api.get<Obj>(`/v1/customers/${session.customer}`)).body;
    expect(customer.email).toBe('jenny@example.com');
    const types = ((await server().api.get<Obj>(`/v1/events?payment_intent=${pi.id}&limit=100`)).body.data as Obj[]).map((e) => e.type as string);
    expect(types).toEqual(expect.arrayContaining(['payment_intent.succeeded', 'charge.succeeded']));
    const completed = (await server().api.get<Obj>('/v1/events?type=checkout.session.completed&limit=100')).body.data as Obj[];
    expect(completed.some((e) => (e.data as { object: Obj }).object.id === s.id)).toBe(true);

    // The page of a completed session says so and offers no form.
    const after = await getPage(server().url, path(s));
    expect(after.status).toBe(200);
    expect(after.html).toContain('Payment complete');
    expect(after.html).not.toContain('<form');
  });

  it('billing_address_collection auto asks only for the email and the card: name and address are optional', async () => {
    const s = await createSession();
    const page = await getPage(server().url, path(s));
    expect(page.html).toMatch(/<input type="text" id="name"[^>]*>/);
    expect(page.html).not.toMatch(/<input type="text" id="name"[^>]* required/);
    expect(page.html).not.toMatch(/<select id="billing-country"[^>]* required/);
    const res = await postPage(server().url, path(s), {
      ...hiddenFields(page.html),
      email: 'kim@example.com',
      payment_method: 'card',
      'card[number]': '4242 4242 4242 4242',
      'card[exp_month]': '12',
      'card[exp_year]': String(new Date().getUTCFullYear() + 2),
      'card[cvc]': '123',
    });
    expect(res.status).toBe(303);
    const session = (await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}`)).body;
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(session.customer_details).toMatchObject({ email: 'kim@example.com', name: null, address: null });
  });

  it('billing_address_collection required asks for the name and the whole billing address', async () => {
    const s = await createSession({ billing_address_collection: 'required' });
    const page = await getPage(server().url, path(s));
    expect(page.html).toMatch(/<input type="text" id="name"[^>]* required/);
    expect(page.html).toMatch(/<select id="billing-country"[^>]* required/);
    const res = await postPage(server().url, path(s), { ...hiddenFields(page.html), email: 'kim@example.com', payment_method: 'pm_card_visa' });
    expect(res.status).toBe(400);
    expect(fieldError(res.html, 'name')).toBe('Enter your full name.');
    expect(fieldError(res.html, 'billing-country')).toBe('Choose the billing country.');
  });

  it('a decline shows the message and keeps the session payable; the retry pays', async () => {
    const s = await createSession();
    const declined = await pay(s, { 'card[number]': '4000 0000 0000 0002' });
    expect(declined.status).toBe(402);
    expect(formMessage(declined.html)).toContain('Your card was declined.');
    expect(declined.html).toContain('<form id="checkout-form"');
    expect(inputValue(declined.html, 'name')).toBe('Jenny Rosen'); // what was typed is kept…
    expect(inputValue(declined.html, 'card-number')).toBe(''); // …except the card number
    let session = (await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}`)).body;
    expect(session.status).toBe('open');

    const retry = await postPage(server().url, path(s), { ...hiddenFields(declined.html), ...buyerFields() });
    expect(retry.status).toBe(303);
    session = (await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}`)).body;
    expect(session.status).toBe('complete');
    const charges = (await server().api.get<Obj>(`/v1/charges?payment_intent=${session.payment_intent}`)).body.data as Obj[];
    expect(charges.map((c) => c.status as string).sort()).toEqual(['failed', 'succeeded']);
  });

  it('test payment methods can be chosen instead of typing a card', async () => {
    const s = await createSession();
    const declined = await pay(s, { payment_method: 'pm_card_insufficient_funds', 'card[number]': '' });
    expect(declined.status).toBe(402);
    expect(formMessage(declined.html)).toContain('insufficient funds');
    const ok = await postPage(server().url, path(s), { ...hiddenFields(declined.html), ...buyerFields({ payment_method: 'pm_card_visa', 'card[number]': '', 'card[cvc]': '' }) });
    expect(ok.status).toBe(303);
  });

  it('3-D Secure: the authentication page, then back to the return route, which completes or shows the failure', async () => {
    // Approved.
    const s = await createSession();
    const first = await pay(s, { 'card[number]': '4000 0027 6000 3184' });
    expect(first.status).toBe(303);
    const auth = new URL(first.location!);
    expect(auth.pathname).toMatch(/^\/authenticate\//);
    const answered = await postPage(server().url, auth.pathname, { result: 'complete' });
    expect(answered.status).toBe(303);
    const back = new URL(answered.location!);
    expect(back.pathname).toBe(`/c/${s.id}/return`);
    const landed = await getPage(server().url, back.pathname + back.search);
    expect(landed.status).toBe(303);
    expect(landed.location).toBe(`${LANDING}/success?session_id=${s.id}`);
    expect((await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}`)).body.status).toBe('complete');

    // Failed.
    const f = await createSession();
    const second = await pay(f, { 'card[number]': '4000 0027 6000 3184' });
    const failed = await postPage(server().url, new URL(second.location!).pathname, { result: 'fail' });
    const shown = await getPage(server().url, new URL(failed.location!).pathname);
    expect(shown.status).toBe(402);
    expect(formMessage(shown.html)).toContain('authentication failed');
    expect(inputValue(shown.html, 'email')).toBe('jenny@example.com'); // what the buyer gave is kept
    const session = (await server().api.get<Obj>(`/v1/checkout/sessions/${f.id}?expand[]=payment_intent`)).body;
    expect(session.status).toBe('open');
    expect(session.payment_intent.status).toBe('requires_payment_method');
    expect(session.payment_intent.last_payment_error.code).toBe('payment_intent_authentication_failure');
  });

  it('a shipping choice sets the total charged; the order records it (order mode)', async () => {
    const s = await createSession({
      mode: 'order',
      shipping_address_collection: { allowed_countries: ['US', 'CA'] },
      shipping_options: TWO_SHIPPING_OPTIONS,
    });
    const page = await getPage(server().url, path(s));
    expect(page.html).toContain('<dd class="total" id="total-amount">$36.00</dd>');
    expect(page.html).toContain('data-total="$46.00"');
    expect(page.html).toContain('1–2 business days');
    const express = (s.shipping_options as Obj[])[1]!.shipping_rate as string;
    const res = await postPage(server().url, path(s), {
      ...hiddenFields(page.html),
      ...buyerFields({
        shipping_rate: express,
        'shipping_address[country]': 'CA',
        'shipping_address[line1]': '1 Rue Sainte-Catherine',
        'shipping_address[city]': 'Montréal',
        'shipping_address[postal_code]': 'H2X 1Z4',
        billing_same_as_shipping: '1',
      }),
    });
    expect(res.status).toBe(303);
    const session = (await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}?expand[]=payment_intent`)).body;
    expect(session.amount_total).toBe(4600);
    expect(session.total_details.amount_shipping).toBe(1500);
    expect(session.shipping_cost.shipping_rate).toBe(express);
    expect(session.payment_intent.amount).toBe(4600);
    expect(session.payment_intent.amount_received).toBe(4600);
    expect(session.shipping_details).toMatchObject({ name: 'Jenny Rosen', address: { country: 'CA', city: 'Montréal' } });
    expect(session.customer_details.address).toMatchObject({ country: 'CA', line1: '1 Rue Sainte-Catherine' });
    const orders = (await server().api.get<Obj>('/v1/orders?limit=100')).body.data as Obj[];
    const order = orders.find((o) => o.checkout_session === s.id);
    expect(order).toMatchObject({ amount_total: 4600, amount_shipping: 1500, payment_status: 'paid' });
  });

  it('an expired session shows a clear page, never a form — also before the expiry job has run', async () => {
    const s = await createSession();
    expect((await server().api.post(`/v1/checkout/sessions/${s.id}/expire`)).status).toBe(200);
    const page = await getPage(server().url, path(s));
    expect(page.status).toBe(410);
    expect(page.html).toContain('This checkout has expired');
    expect(page.html).not.toContain('<form');
    expect(page.html).toContain(`href="${LANDING}/cart"`);

    const due = await createSession();
    server().clock.advance(25 * 3600); // past expires_at; jobs are off in this server
    const late = await getPage(server().url, path(due));
    expect(late.status).toBe(410);
    expect(late.html).not.toContain('<form');
    server().clock.advance(-25 * 3600);
  });

  it('unknown sessions and embedded sessions have no hosted page', async () => {
    expect((await getPage(server().url, '/c/cs_doesnotexist')).status).toBe(404);
    expect((await getPage(server().url, '/c/not-an-id')).status).toBe(404);
    const embedded = (await server().api.post<Obj>('/v1/checkout/sessions', sessionBody(LANDING, { ui_mode: 'embedded', success_url: undefined, cancel_url: undefined }))).body;
    expect((await getPage(server().url, `/c/${embedded.id}`)).status).toBe(404);
  });

  it('embedded: the form in the iframe page, paid there; the page tells the parent', async () => {
    const res = await server().api.post<Obj>('/v1/checkout/sessions', sessionBody(LANDING, { ui_mode: 'embedded', success_url: undefined, cancel_url: undefined }));
    const s = res.body;
    expect(s.client_secret).toMatch(/^cs_[A-Za-z0-9]+_secret_[A-Za-z0-9]+$/);
    const query = new URLSearchParams({ client_secret: s.client_secret, key: server().merchant.keys.pk_test, parent_origin: LANDING });
    const page = await getPage(server().url, `/c/${s.id}/embedded?${query}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`data-parent-origin="${LANDING}"`);
    expect(page.html).toContain(`action="/c/${s.id}/embedded"`);
    const hidden = hiddenFields(page.html);
    expect(hidden.client_secret).toBe(s.client_secret);

    const declined = await postPage(server().url, `/c/${s.id}/embedded`, { ...hidden, ...buyerFields({ 'card[number]': '4000000000000002' }) });
    expect(declined.status).toBe(402);
    expect(declined.html).toContain('data-checkout-event="{&quot;type&quot;:&quot;checkout.declined&quot;');

    const paid = await postPage(server().url, `/c/${s.id}/embedded`, { ...hiddenFields(declined.html), ...buyerFields() });
    expect(paid.status).toBe(200);
    expect(paid.html).toContain('Payment complete');
    expect(paid.html).toContain('checkout.complete');
    expect((await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}`)).body.status).toBe('complete');
  });

  it('embedded 3-D Secure: the authentication runs inside the frame and comes back to the embedded page', async () => {
    const s = (await server().api.post<Obj>('/v1/checkout/sessions', sessionBody(LANDING, { ui_mode: 'embedded', success_url: undefined, cancel_url: undefined }))).body;
    const query = new URLSearchParams({ client_secret: s.client_secret, key: server().merchant.keys.pk_test, parent_origin: LANDING });
    const page = await getPage(server().url, `/c/${s.id}/embedded?${query}`);
    const first = await postPage(server().url, `/c/${s.id}/embedded`, { ...hiddenFields(page.html), ...buyerFields({ payment_method: 'pm_card_3ds_required', 'card[number]': '' }) });
    expect(first.status).toBe(303);
    const auth = new URL(first.location!);
    expect(auth.pathname).toMatch(/^\/authenticate\//);
    const answered = await postPage(server().url, auth.pathname, { result: 'complete' });
    const back = new URL(answered.location!);
    expect(back.pathname).toBe(`/c/${s.id}/embedded/return`);
    expect(back.searchParams.get('parent_origin')).toBe(LANDING);
    const done = await getPage(server().url, back.pathname + back.search);
    expect(done.status).toBe(200);
    expect(done.html).toContain('Payment complete');
    expect(done.html).toContain('checkout.complete');
    expect(done.headers.get('content-security-policy')).toContain(`frame-ancestors ${LANDING}`);
    expect((await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}`)).body.status).toBe('complete');
    // Without the credentials the return route shows nothing.
    expect((await getPage(server().url, `/c/${s.id}/embedded/return?parent_origin=${encodeURIComponent(LANDING)}`)).status).toBe(404);
  });

  it("checkout links open the hosted page of the session they mint; the confirmation shows the link's message", async () => {
    const items = [{ price_data: { currency: 'eur', unit_amount: 2500, product_data: { name: 'Workshop ticket' } }, quantity: 1 }];
    const redirecting = (
      await server().api.post<Obj>('/v1/checkout_links', {
        title: 'Workshop',
        line_items: items,
        after_completion: { type: 'redirect', redirect: { url: `${LANDING}/thanks?cs={CHECKOUT_SESSION_ID}` } },
      })
    ).body;
    const visit = await getPage(server().url, new URL(redirecting.url as string).pathname);
    expect(visit.status).toBe(303);
    const sessionPath = new URL(visit.location!, server().url).pathname;
    expect(sessionPath).toMatch(/^\/c\/cs_[A-Za-z0-9]+$/);
    const page = await getPage(server().url, sessionPath);
    expect(page.html).toContain('Workshop ticket');
    expect(page.html).toContain('€25.00');
    const paid = await postPage(server().url, sessionPath, { ...hiddenFields(page.html), ...buyerFields() });
    expect(paid.status).toBe(303);
    const id = sessionPath.split('/')[2]!;
    expect(paid.location).toBe(`${LANDING}/thanks?cs=${id}`);
    const session = (await server().api.get<Obj>(`/v1/checkout/sessions/${id}`)).body;
    expect(session).toMatchObject({ status: 'complete', checkout_link: redirecting.id });

    const confirming = (
      await server().api.post<Obj>('/v1/checkout_links', {
        title: 'Workshop',
        line_items: items,
        after_completion: { type: 'hosted_confirmation', hosted_confirmation: { custom_message: 'See you on <b>Monday</b>!' } },
      })
    ).body;
    const second = await getPage(server().url, new URL(confirming.url as string).pathname);
    const secondPath = new URL(second.location!, server().url).pathname;
    const form = await getPage(server().url, secondPath);
    const done = await postPage(server().url, secondPath, { ...hiddenFields(form.html), ...buyerFields() });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${server().url}${secondPath}/complete`);
    const confirmation = await getPage(server().url, `${secondPath}/complete`);
    expect(confirmation.status).toBe(200);
    expect(confirmation.html).toContain('Payment complete');
    expect(confirmation.html).toContain('<p class="message" id="confirmation-message">See you on &lt;b&gt;Monday&lt;/b&gt;!</p>');
    expect(confirmation.html).not.toContain('<form');
  });

  it('the confirmation route of a session still open sends the buyer to its payment page', async () => {
    const s = await createSession();
    const res = await getPage(server().url, `/c/${s.id}/complete`);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/c/${s.id}`);
  });

  it('serves the page assets and the embedding script', async () => {
    const page = await getPage(server().url, '/c/cs_doesnotexist');
    const css = /href="(\/checkout\/assets\/checkout\.css\?v=[0-9a-f]+)"/.exec(page.html)![1]!;
    const js = /src="(\/checkout\/assets\/checkout\.js\?v=[0-9a-f]+)"/.exec(page.html)![1]!;
    const cssRes = await fetch(server().url + css);
    expect(cssRes.status).toBe(200);
    expect(cssRes.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(cssRes.headers.get('cache-control')).toContain('immutable');
    const jsRes = await fetch(server().url + js);
    expect(jsRes.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const embed = await fetch(`${server().url}/v1/checkout.js`);
    expect(embed.status).toBe(200);
    expect(await embed.text()).toContain('RailyardCheckout');
    expect((await fetch(`${server().url}/checkout/assets/../../package.json`)).status).toBe(404);
    expect((await fetch(`${server().url}/checkout/assets/nope.js`)).status).toBe(404);
  });

  it('a field error names the field and keeps the page payable', async () => {
    const s = await createSession();
    const res = await pay(s, { email: 'not-an-email' });
    expect(res.status).toBe(400);
    expect(fieldError(res.html, 'email')).toBe('Enter a valid email address.');
    expect(res.html).toContain('<a href="#email">');
  });

  it('sends a page once when its answer waits for a sync of the database (SQLite: a commit not yet durable)', async () => {
    const s = await createSession();
    const store = server().store;
    const whenDurable = store.whenDurable.bind(store);
    // As when another request's commit is still being synced: the page's answer waits for it.
    store.whenDurable = () => new Promise<void>((resolve) => setTimeout(resolve, 30));
    try {
      for (const page of await Promise.all([getPage(server().url, path(s)), getPage(server().url, path(s))])) {
        expect(page.status).toBe(200);
        expect(page.html).toContain('Pay $31.00');
      }
    } finally {
      store.whenDurable = whenDurable;
    }
    expect(server().logs.text()).not.toContain('Reply was already sent');
    expect((await getPage(server().url, path(s))).status).toBe(200);
  });

  it('redirects to a success_url with characters outside ASCII, percent-encoded', async () => {
    const s = await createSession({ success_url: `${LANDING}/merci/✓?session_id={CHECKOUT_SESSION_ID}&note=très bien` });
    const store = server().store;
    const whenDurable = store.whenDurable.bind(store);
    // Also while the answer waits for a sync (SQLite), where a header the socket refused used to end the process.
    store.whenDurable = () => new Promise<void>((resolve) => setTimeout(resolve, 10));
    try {
      const res = await pay(s);
      expect(res.status).toBe(303);
      expect(res.location).toBe(`${LANDING}/merci/%E2%9C%93?session_id=${s.id as string}&note=tr%C3%A8s%20bien`);
    } finally {
      store.whenDurable = whenDurable;
    }
    expect((await getPage(server().url, path(s))).status).toBe(200);
  });
});
