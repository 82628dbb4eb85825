import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/harness.js';
import { buyerFields, createSession as createSessionVia, fieldError, formMessage, getPage, hiddenFields, inputValue, type PageResponse, postPage } from '../../test/browser/page-client.js';
import { usePageServer } from '../../test/browser/server.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const LANDING = 'https://shop.example';

/**
 * The bad inputs named by the hosted-checkout issue. Each is refused with a message on the page, the page stays
 * payable, and nothing is paid (or paid twice).
 */
describe.each(ENGINES)('hosted checkout pages, bad input (%s)', (engine) => {
  const server = usePageServer(engine);

  const createSession = (extra: Record<string, unknown> = {}) => createSessionVia(server().api, LANDING, extra);
  const path = (s: Obj) => `/c/${s.id as string}`;

  async function post(s: Obj, overrides: Record<string, string>): Promise<PageResponse> {
    const page = await getPage(server().url, path(s));
    return postPage(server().url, path(s), { ...hiddenFields(page.html), ...buyerFields(overrides) });
  }

  /** Nothing was attempted: the session is open, its intent untouched, no charge exists. */
  async function expectNothingPaid(s: Obj): Promise<void> {
    const session = (await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}?expand[]=payment_intent`)).body;
    expect(session.status).toBe('open');
    expect(session.payment_intent.status).toBe('requires_payment_method');
    expect(session.payment_intent.amount_received).toBe(0);
    const charges = (await server().api.get<Obj>(`/v1/charges?payment_intent=${session.payment_intent.id}`)).body.data as Obj[];
    expect(charges).toHaveLength(0);
  }

  /** The refusal re-renders a payable form with a fresh key. */
  function expectPayableAgain(res: PageResponse): void {
    expect(res.html).toContain('<form id="checkout-form"');
    expect(hiddenFields(res.html).form_key).toMatch(/^[A-Za-z0-9]{24}$/);
  }

  it('a tampered amount or currency in the form is ignored: the session decides what is charged', async () => {
    const s = await createSession();
    const res = await post(s, { amount: '1', currency: 'jpy', amount_total: '1', 'line_items[0][price_data][unit_amount]': '1' });
    expect(res.status).toBe(303);
    const session = (await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}?expand[]=payment_intent`)).body;
    expect(session.status).toBe('complete');
    expect(session.amount_total).toBe(3100);
    expect(session.currency).toBe('usd');
    expect(session.payment_intent).toMatchObject({ amount: 3100, amount_received: 3100, currency: 'usd' });
  });

  it('a card number with letters', async () => {
    const s = await createSession();
    const res = await post(s, { 'card[number]': '4242 4242 abcd 4242' });
    expect(res.status).toBe(400);
    expect(fieldError(res.html, 'card-number')).toBe('A card number has digits only.');
    expect(inputValue(res.html, 'card-number')).toBe('');
    expectPayableAgain(res);
    await expectNothingPaid(s);
  });

  it('a card number failing the Luhn check', async () => {
    const s = await createSession();
    const res = await post(s, { 'card[number]': '4242 4242 4242 4241' });
    expect(res.status).toBe(400);
    expect(fieldError(res.html, 'card-number')).toBe('Your card number is incorrect.');
    await expectNothingPaid(s);
  });

  it('an expiry in the past', async () => {
    const s = await createSession();
    const res = await post(s, { 'card[exp_month]': '1', 'card[exp_year]': String(new Date().getUTCFullYear() - 1) });
    expect(res.status).toBe(400);
    expect(fieldError(res.html, 'card-exp-year')).toBe("Your card's expiration date is in the past.");
    expectPayableAgain(res);
    await expectNothingPaid(s);
  });

  it('a 3-digit year; a past 2-digit year', async () => {
    const s = await createSession();
    const res = await post(s, { 'card[exp_year]': '203' });
    expect(res.status).toBe(400);
    expect(fieldError(res.html, 'card-exp-year')).toBe('Enter the expiry year (for example 2030 or 30).');
    const past = await post(s, { 'card[exp_month]': '1', 'card[exp_year]': String((new Date().getUTCFullYear() - 1) % 100).padStart(2, '0') });
    expect(past.status).toBe(400);
    expect(fieldError(past.html, 'card-exp-year')).toBe("Your card's expiration date is in the past.");
    await expectNothingPaid(s);
  });

  it('a CVC of 5 digits (and a 4-digit CVC on a Visa)', async () => {
    const s = await createSession();
    const five = await post(s, { 'card[cvc]': '12345' });
    expect(five.status).toBe(400);
    expect(fieldError(five.html, 'card-cvc')).toBe('The security code has 3 digits.');
    const four = await post(s, { 'card[cvc]': '1234' });
    expect(fieldError(four.html, 'card-cvc')).toBe('The security code has 3 digits.');
    await expectNothingPaid(s);
  });

  it('a month outside 1–12', async () => {
    const s = await createSession();
    const res = await post(s, { 'card[exp_month]': '13' });
    expect(fieldError(res.html, 'card-exp-month')).toBe('Enter the expiry month as 1 to 12.');
    await expectNothingPaid(s);
  });

  it('a country outside allowed_countries', async () => {
    const s = await createSession({ shipping_address_collection: { allowed_countries: ['US', 'CA'] } });
    const res = await post(s, {
      'shipping_address[country]': 'FR',
      'shipping_address[line1]': '1 rue de Rivoli',
      'shipping_address[city]': 'Paris',
      'shipping_address[postal_code]': '75001',
      billing_same_as_shipping: '1',
    });
    expect(res.status).toBe(400);
    expect(fieldError(res.html, 'shipping-country')).toContain('does not ship to that country');
    // The select offers only the allowed countries.
    expect(res.html).toMatch(/<select id="shipping-country"[^]*?<\/select>/);
    const select = /<select id="shipping-country"[^]*?<\/select>/.exec(res.html)![0];
    expect(select).toContain('value="US"');
    expect(select).not.toContain('value="FR"');
    await expectNothingPaid(s);
  });

  it('an unknown billing country', async () => {
    const s = await createSession();
    const res = await post(s, { 'billing_address[country]': 'ZZ' });
    expect(fieldError(res.html, 'billing-country')).toBe('Choose a billing country from the list.');
    await expectNothingPaid(s);
  });

  it('a shipping option of another session (the amount stays the session’s)', async () => {
    const shipping = {
      shipping_address_collection: { allowed_countries: ['US'] },
      shipping_options: [{ shipping_rate_data: { display_name: 'Standard', type: 'fixed_amount', fixed_amount: { amount: 500, currency: 'usd' } } }],
    };
    const mine = await createSession(shipping);
    const theirs = await createSession({
      ...shipping,
      shipping_options: [{ shipping_rate_data: { display_name: 'Free', type: 'fixed_amount', fixed_amount: { amount: 0, currency: 'usd' } } }],
    });
    const foreign = (theirs.shipping_options as Obj[])[0]!.shipping_rate as string;
    const res = await post(mine, {
      shipping_rate: foreign,
      'shipping_address[country]': 'US',
      'shipping_address[line1]': '1 Main St',
      'shipping_address[city]': 'Springfield',
      'shipping_address[postal_code]': '12345',
      billing_same_as_shipping: '1',
    });
    expect(res.status).toBe(400);
    expect(fieldError(res.html, 'shipping-rate')).toContain('not offered for this order');
    const session = (await server().api.get<Obj>(`/v1/checkout/sessions/${mine.id}?expand[]=payment_intent`)).body;
    expect(session.amount_total).toBe(3600);
    expect(session.payment_intent.amount).toBe(3600);
    await expectNothingPaid(mine);
  });

  it('script in the name field is refused and renders inert', async () => {
    const s = await createSession();
    const evil = '<script>alert(document.domain)</script>';
    const res = await post(s, { name: evil });
    expect(res.status).toBe(400);
    expect(fieldError(res.html, 'name')).toContain('cannot contain');
    expect(res.html).not.toContain('<script>alert');
    expect(res.html).toContain('value="&lt;script&gt;alert(document.domain)&lt;/script&gt;"');
    expect(inputValue(res.html, 'name')).toBe(evil);
    // The only scripts on the page are Railyard's own file.
    expect([...res.html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual([expect.stringMatching(/^<script src="\/checkout\/assets\/checkout\.js\?v=[0-9a-f]+" defer>$/)]);
    await expectNothingPaid(s);
  });

  it('a replayed form post after completion is refused on the page, nothing paid twice', async () => {
    const s = await createSession();
    const page = await getPage(server().url, path(s));
    const fields = { ...hiddenFields(page.html), ...buyerFields() };
    const first = await postPage(server().url, path(s), fields);
    expect(first.status).toBe(303);

    const replay = await postPage(server().url, path(s), fields);
    expect(replay.status).toBe(409);
    expect(replay.html).toContain('This checkout is already paid');
    expect(replay.html).toContain('not charged again');
    expect(replay.html).not.toContain('<form');

    // Same form, another card: still refused.
    const other = await postPage(server().url, path(s), { ...fields, 'card[number]': '5555 5555 5555 4444' });
    expect(other.status).toBe(409);

    const session = (await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}?expand[]=payment_intent`)).body;
    expect(session.payment_intent.amount_received).toBe(3100);
    const charges = (await server().api.get<Obj>(`/v1/charges?payment_intent=${session.payment_intent.id}`)).body.data as Obj[];
    expect(charges).toHaveLength(1);
    const completed = (await server().api.get<Obj>(`/v1/events?type=checkout.session.completed&limit=100`)).body.data as Obj[];
    expect(completed.filter((e) => e.data.object.id === s.id)).toHaveLength(1);
  });

  it('concurrent double submits of one form pay once', async () => {
    const s = await createSession();
    const page = await getPage(server().url, path(s));
    const fields = { ...hiddenFields(page.html), ...buyerFields() };
    const results = await Promise.all([1, 2, 3].map(() => postPage(server().url, path(s), fields)));
    // Each answer is either the success redirect (the first, or a replay of it) or the already-paid page.
    for (const r of results) expect([303, 409]).toContain(r.status);
    expect(results.some((r) => r.status === 303)).toBe(true);
    const session = (await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}?expand[]=payment_intent`)).body;
    const charges = (await server().api.get<Obj>(`/v1/charges?payment_intent=${session.payment_intent.id}`)).body.data as Obj[];
    expect(charges).toHaveLength(1);
    expect(session.payment_intent.amount_received).toBe(3100);
  });

  it('a declined form posted again replays the decline: one failed charge, not two', async () => {
    const s = await createSession();
    const page = await getPage(server().url, path(s));
    const fields = { ...hiddenFields(page.html), ...buyerFields({ 'card[number]': '4000000000000002' }) };
    const a = await postPage(server().url, path(s), fields);
    const b = await postPage(server().url, path(s), fields);
    expect(a.status).toBe(402);
    expect(b.status).toBe(402);
    expect(formMessage(b.html)).toContain('Your card was declined.');
    const session = (await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}`)).body;
    const charges = (await server().api.get<Obj>(`/v1/charges?payment_intent=${session.payment_intent}`)).body.data as Obj[];
    expect(charges).toHaveLength(1);
  });

  it('missing details are named: email, name, phone, full billing address when required', async () => {
    const s = await createSession({ phone_number_collection: true, billing_address_collection: 'required' });
    const res = await post(s, { email: '', name: '', phone: 'call me', 'billing_address[line1]': '', 'billing_address[city]': '' });
    expect(res.status).toBe(400);
    expect(fieldError(res.html, 'email')).toBe('Enter your email address.');
    expect(fieldError(res.html, 'name')).toBe('Enter your full name.');
    expect(fieldError(res.html, 'phone')).toContain('valid phone number');
    expect(fieldError(res.html, 'billing-line1')).toBe('Enter the billing address.');
    expect(fieldError(res.html, 'billing-city')).toBe('Enter the billing city.');
    await expectNothingPaid(s);
  });

  it('a test payment method that does not exist, or any pm_ id in live mode, is refused', async () => {
    const s = await createSession();
    const res = await post(s, { payment_method: 'pm_card_does_not_exist' });
    expect(res.status).toBe(400);
    expect(fieldError(res.html, 'pm-card')).toBe('Choose a payment method from the list.');
    await expectNothingPaid(s);
  });

  it('a form whose token is missing, forged or for another session is refused without paying', async () => {
    const s = await createSession();
    const other = await createSession();
    const page = await getPage(server().url, path(s));
    const hidden = hiddenFields(page.html);

    const none = await postPage(server().url, path(s), buyerFields());
    expect(none.status).toBe(403);
    expect(formMessage(none.html)).toContain('could not be verified');
    expectPayableAgain(none);

    const forged = await postPage(server().url, path(s), { ...hidden, ...buyerFields(), csrf_token: `${Math.floor(Date.now() / 1000)}.${'A'.repeat(43)}` });
    expect(forged.status).toBe(403);
    const swapped = await postPage(server().url, path(s), { ...hidden, ...buyerFields(), form_key: 'B'.repeat(24) });
    expect(swapped.status).toBe(403);
    const elsewhere = await postPage(server().url, path(other), { ...hidden, ...buyerFields() });
    expect(elsewhere.status).toBe(403);
    await expectNothingPaid(s);
    await expectNothingPaid(other);
  });

  it('a body that is not a form at all gets a page, not a crash', async () => {
    const s = await createSession();
    const res = await fetch(`${server().url}${path(s)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a[=1' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('could not be completed');
    await expectNothingPaid(s);
  });

  it('a form of another media type, an unreadable one or one over the size limit: a page with its 400, nothing paid', async () => {
    const s = await createSession();
    const send = (target: string, contentType: string | undefined, body: string) =>
      fetch(server().url + target, { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body });
    for (const [contentType, body] of [
      ['text/plain', 'email=a@example.com'],
      ['application/xml', '<form/>'],
      ['multipart/form-data; boundary=x', '--x--'],
      ['application/x-www-form-urlencoded', `email=${'a'.repeat(2 * 1024 * 1024)}`],
    ] as const) {
      const res = await send(path(s), contentType, body);
      expect(res.status, contentType).toBe(400);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toContain('This request could not be completed');
    }
    // The 3-D Secure page answers the same way.
    const res = await send('/authenticate/unknown-token', 'text/plain', 'result=complete');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(server().logs.text()).not.toContain('checkout page failed');
    await expectNothingPaid(s);
  });
});
