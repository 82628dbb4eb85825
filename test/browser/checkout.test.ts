import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../harness.js';
import { launchBrowser, screenshot, type BrowserHandle } from './browser.js';
import { createSession as createSessionVia, TWO_SHIPPING_OPTIONS } from './page-client.js';
import { startLanding, startPageServer, type Landing, type PageServer } from './server.js';
import { startShop } from './shop.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NEXT_YEAR = String(new Date().getUTCFullYear() + 2);

/**
 * The pages a buyer pays on, in a real browser (headless chromium), with JavaScript on. Each scenario ends by
 * checking what the API says happened. Screenshots of the main states go to docs/screenshots/ (first engine only).
 */
describe.each(ENGINES)('checkout in the browser (%s)', (engine) => {
  let server: PageServer;
  let landing: Landing;
  let browser: BrowserHandle;
  const shots = engine === ENGINES[0];

  beforeAll(async () => {
    server = await startPageServer(engine);
    landing = await startLanding();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await landing?.close();
    await server?.close();
  });

  const createSession = (extra: Record<string, unknown> = {}) => createSessionVia(server.api, landing.url, extra);

  async function sessionWithIntent(id: string): Promise<Obj> {
    return (await server.api.get<Obj>(`/v1/checkout/sessions/${id}?expand[]=payment_intent`)).body;
  }

  async function chargesOf(pi: string): Promise<Obj[]> {
    return (await server.api.get<Obj>(`/v1/charges?payment_intent=${pi}`)).body.data as Obj[];
  }

  /** The types of the session's PaymentIntent's events (with its charges') and of the session's own events. */
  async function eventTypes(session: Obj): Promise<string[]> {
    const pi = (session.payment_intent as { id: string }).id;
    const ofIntent = (await server.api.get<Obj>(`/v1/events?payment_intent=${pi}&limit=100`)).body.data as Obj[];
    const sessions = (await server.api.get<Obj>('/v1/events?object=checkout.session&limit=100')).body.data as Obj[];
    const ofSession = sessions.filter((e) => (e.data as { object: Obj }).object.id === session.id);
    return [...ofIntent, ...ofSession].map((e) => e.type as string);
  }

  async function fillBuyer(page: Page, o: { email?: boolean } = {}): Promise<void> {
    if (o.email !== false) await page.getByLabel('Email').fill('jenny@example.com');
    await page.getByLabel('Full name').fill('Jenny Rosen');
  }

  async function fillBilling(page: Page): Promise<void> {
    await page.locator('#billing-country').selectOption('US');
    await page.locator('#billing-postal-code').fill('94107');
  }

  async function fillCard(page: Page, number: string): Promise<void> {
    await page.getByLabel('Card number', { exact: true }).fill(number);
    await page.getByLabel('Expiry month').fill('12');
    await page.getByLabel('Expiry year').fill(NEXT_YEAR);
    await page.getByLabel('Security code').fill('123');
  }

  async function pay(page: Page): Promise<void> {
    await page.getByRole('button', { name: /^Pay / }).click();
  }

  it('pays with 4242 and lands on the success URL with the session id substituted', async () => {
    const s = await createSession({ customer_creation: 'always' });
    const page = await browser.newPage();
    await page.goto(s.url);
    await expect(page.title()).resolves.toBe('Pay Brightwater Coffee — Checkout');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('.test-banner').innerText()).toContain('TEST MODE');
    expect(await page.locator('#total-amount').innerText()).toBe('$31.00');
    await fillBuyer(page);
    await fillBilling(page);
    await fillCard(page, '4242 4242 4242 4242');
    if (shots) await screenshot(page, 'hosted-form');
    await pay(page);
    await page.waitForURL(`${landing.url}/success**`);
    expect(page.url()).toBe(`${landing.url}/success?session_id=${s.id}`);
    expect(await page.locator('#landed').innerText()).toBe('Back at the shop');

    const session = await sessionWithIntent(s.id);
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(session.customer_details).toMatchObject({ email: 'jenny@example.com', name: 'Jenny Rosen', address: { country: 'US', postal_code: '94107' } });
    expect(session.payment_intent).toMatchObject({ status: 'succeeded', amount: 3100, amount_received: 3100 });
    const charges = await chargesOf(session.payment_intent.id);
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ status: 'succeeded', amount: 3100 });
    const customer = (await server.api.get<Obj>(`/v1/customers/${session.customer}`)).body;
    expect(customer).toMatchObject({ email: 'jenny@example.com', name: 'Jenny Rosen' });
    expect(await eventTypes(session)).toEqual(expect.arrayContaining(['checkout.session.completed', 'payment_intent.succeeded', 'charge.succeeded']));

    // Back to the session's page: it says it is paid, and has no form.
    await page.goto(s.url);
    expect(await page.locator('h1').innerText()).toBe('Payment complete');
    expect(await page.locator('form').count()).toBe(0);
    if (shots) await screenshot(page, 'success');
    await page.close();
  });

  it('a decline shows the message and the page stays payable; a retry succeeds', async () => {
    const s = await createSession();
    const page = await browser.newPage();
    await page.goto(s.url);
    await fillBuyer(page);
    await fillBilling(page);
    await fillCard(page, '4000 0000 0000 0002');
    await pay(page);
    await page.locator('#form-errors').waitFor();
    expect(await page.locator('#form-error-message').innerText()).toContain('Your card was declined.');
    if (shots) await screenshot(page, 'decline');
    // The buyer's details are still there; the card number is not.
    expect(await page.getByLabel('Full name').inputValue()).toBe('Jenny Rosen');
    expect(await page.getByLabel('Card number', { exact: true }).inputValue()).toBe('');
    let session = await sessionWithIntent(s.id);
    expect(session.status).toBe('open');
    expect(session.payment_intent.status).toBe('requires_payment_method');
    expect(session.payment_intent.last_payment_error).toMatchObject({ code: 'card_declined', decline_code: 'generic_decline' });

    await fillCard(page, '4242424242424242');
    await pay(page);
    await page.waitForURL(`${landing.url}/success**`);
    session = await sessionWithIntent(s.id);
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect((await chargesOf(session.payment_intent.id)).map((c) => c.status as string).sort()).toEqual(['failed', 'succeeded']);
    expect(await eventTypes(session)).toEqual(expect.arrayContaining(['payment_intent.payment_failed', 'charge.failed', 'checkout.session.completed']));
    await page.close();
  });

  it('the card checks run in the page before anything is sent (Luhn, expiry)', async () => {
    const s = await createSession();
    const page = await browser.newPage();
    await page.goto(s.url);
    await fillBuyer(page);
    await fillBilling(page);
    await fillCard(page, '4242 4242 4242 4241');
    await page.getByLabel('Expiry year').fill('2020');
    let posted = false;
    page.on('request', (r) => {
      if (r.method() === 'POST') posted = true;
    });
    await pay(page);
    expect(await page.locator('#card-number-error').innerText()).toBe('Your card number is incorrect.');
    expect(await page.locator('#card-exp-year-error').innerText()).toBe("Your card's expiration date is in the past.");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('card-number');
    expect(await page.getByLabel('Card number', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(posted).toBe(false);
    expect((await sessionWithIntent(s.id)).payment_intent.status).toBe('requires_payment_method');
    await page.close();
  });

  it('3-D Secure approved: the authentication page, then the success URL', async () => {
    const s = await createSession();
    const page = await browser.newPage();
    await page.goto(s.url);
    await fillBuyer(page);
    await fillBilling(page);
    await fillCard(page, '4000 0027 6000 3184');
    await pay(page);
    await page.waitForURL(/\/authenticate\//);
    expect(await page.getByRole('button', { name: 'Complete authentication' }).isVisible()).toBe(true);
    if (shots) await screenshot(page, '3ds');
    const pending = await sessionWithIntent(s.id);
    expect(pending.payment_intent.status).toBe('requires_action');
    await page.getByRole('button', { name: 'Complete authentication' }).click();
    await page.waitForURL(`${landing.url}/success**`);
    expect(page.url()).toBe(`${landing.url}/success?session_id=${s.id}`);
    const session = await sessionWithIntent(s.id);
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(session.payment_intent.status).toBe('succeeded');
    expect(await eventTypes(session)).toEqual(expect.arrayContaining(['payment_intent.requires_action', 'payment_intent.succeeded', 'checkout.session.completed']));
    await page.close();
  });

  it('3-D Secure failed: back on the page with the reason, still payable', async () => {
    const s = await createSession();
    const page = await browser.newPage();
    await page.goto(s.url);
    await fillBuyer(page);
    await fillBilling(page);
    await page.getByLabel('pm_card_3ds_required').check();
    expect(await page.getByLabel('Card number', { exact: true }).isVisible()).toBe(false); // a test method needs no card
    await pay(page);
    await page.waitForURL(/\/authenticate\//);
    await page.getByRole('button', { name: 'Fail authentication' }).click();
    await page.waitForURL(`${server.url}/c/${s.id}/return**`);
    expect(await page.locator('#form-error-message').innerText()).toContain('authentication failed');
    expect(await page.getByLabel('Email').inputValue()).toBe('jenny@example.com');
    const session = await sessionWithIntent(s.id);
    expect(session.status).toBe('open');
    expect(session.payment_intent.status).toBe('requires_payment_method');
    expect(session.payment_intent.last_payment_error.code).toBe('payment_intent_authentication_failure');
    expect(await eventTypes(session)).toContain('payment_intent.payment_failed');
    await page.close();
  });

  it('choosing a shipping option updates the total on the page and the amount charged', async () => {
    const s = await createSession({
      mode: 'order',
      shipping_address_collection: { allowed_countries: ['US', 'CA'] },
      shipping_options: TWO_SHIPPING_OPTIONS,
    });
    const page = await browser.newPage();
    await page.goto(s.url);
    expect(await page.locator('#total-amount').innerText()).toBe('$36.00');
    await page.getByLabel(/Express/).check();
    expect(await page.locator('#shipping-amount').innerText()).toBe('$15.00');
    expect(await page.locator('#total-amount').innerText()).toBe('$46.00');
    expect(await page.locator('#amount-due').innerText()).toBe('$46.00');
    expect(await page.locator('#pay-label').innerText()).toBe('Pay $46.00');
    // Only the allowed countries are offered.
    expect(await page.locator('#shipping-country option').allInnerTexts()).toEqual(['Select a country', 'Canada', 'United States']);
    await fillBuyer(page);
    await page.locator('#shipping-country').selectOption('US');
    await page.getByLabel('Address line 1').first().fill('500 Market St');
    await page.locator('#shipping-city').fill('San Francisco');
    await page.locator('#shipping-postal-code').fill('94105');
    await page.locator('#shipping-state').fill('CA');
    expect(await page.locator('#billing-fields').isVisible()).toBe(false); // billing = shipping by default
    await fillCard(page, '4242 4242 4242 4242');
    await pay(page);
    await page.waitForURL(`${landing.url}/success**`);

    const session = await sessionWithIntent(s.id);
    const express = (s.shipping_options as Obj[])[1]!.shipping_rate;
    expect(session).toMatchObject({ status: 'complete', amount_total: 4600, total_details: { amount_shipping: 1500 }, shipping_cost: { shipping_rate: express } });
    expect(session.payment_intent).toMatchObject({ amount: 4600, amount_received: 4600 });
    expect(session.shipping_details).toMatchObject({ name: 'Jenny Rosen', address: { line1: '500 Market St', city: 'San Francisco', country: 'US' } });
    const order = ((await server.api.get<Obj>('/v1/orders?limit=100')).body.data as Obj[]).find((o) => o.checkout_session === s.id);
    expect(order).toMatchObject({ amount_shipping: 1500, amount_total: 4600, payment_status: 'paid' });
    expect(await eventTypes(session)).toContain('checkout.session.completed');
    await page.close();
  });

  it('an expired session shows a clear page, and a form left open cannot pay after expiry', async () => {
    const s = await createSession();
    const page = await browser.newPage();
    await page.goto(s.url);
    await fillBuyer(page);
    await fillBilling(page);
    await fillCard(page, '4242 4242 4242 4242');
    const expired = await server.api.post<Obj>(`/v1/checkout/sessions/${s.id}/expire`);
    expect(expired.status).toBe(200);
    await pay(page);
    await page.locator('h1', { hasText: 'This checkout has expired' }).waitFor();
    expect(await page.locator('form').count()).toBe(0);

    await page.goto(s.url);
    expect(await page.locator('h1').innerText()).toBe('This checkout has expired');
    expect(await page.locator('form').count()).toBe(0);
    expect(await page.getByRole('link', { name: /Return to Brightwater Coffee/ }).getAttribute('href')).toBe(`${landing.url}/cart`);
    if (shots) await screenshot(page, 'expired');
    const session = await sessionWithIntent(s.id);
    expect(session.status).toBe('expired');
    expect(session.payment_intent.status).toBe('canceled');
    expect(await chargesOf(session.payment_intent.id)).toHaveLength(0);
    expect(await eventTypes(session)).toContain('checkout.session.expired');
    await page.close();
  });

  it('works without JavaScript: a plain form post, the decline page, then success', async () => {
    const s = await createSession({ shipping_address_collection: { allowed_countries: ['GB'] } });
    const page = await browser.newPage();
    await page.route('**/checkout/assets/checkout.js*', (route) => route.abort());
    await page.goto(s.url);
    // Without the script nothing is hidden: billing fields show beside the "same as shipping" box.
    expect(await page.locator('#billing-fields').isVisible()).toBe(true);
    await fillBuyer(page);
    expect(await page.locator('#shipping-country').inputValue()).toBe('GB'); // the only allowed country, preselected
    await page.locator('#shipping-line1').fill('10 Downing St');
    await page.locator('#shipping-city').fill('London');
    await page.locator('#shipping-postal-code').fill('SW1A 2AA');
    await fillCard(page, '4000 0000 0000 0069');
    await pay(page);
    await page.locator('#form-error-message').waitFor();
    expect(await page.locator('#form-error-message').innerText()).toContain('Your card has expired.');
    await page.getByLabel('pm_card_visa').check();
    await pay(page);
    await page.waitForURL(`${landing.url}/success**`);
    const session = await sessionWithIntent(s.id);
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(session.shipping_details.address).toMatchObject({ line1: '10 Downing St', country: 'GB' });
    expect(session.customer_details.address).toMatchObject({ line1: '10 Downing St', country: 'GB' }); // billing = shipping
    expect((await chargesOf(session.payment_intent.id)).map((c) => c.status as string).sort()).toEqual(['failed', 'succeeded']);
    await page.close();
  });

  it("a checkout link opens a fresh session's page and ends on its hosted confirmation", async () => {
    const link = (
      await server.api.post<Obj>('/v1/checkout_links', {
        title: 'Cupping class',
        line_items: [{ price_data: { currency: 'jpy', unit_amount: 3500, product_data: { name: 'Cupping class' } }, quantity: 2 }],
        after_completion: { type: 'hosted_confirmation', hosted_confirmation: { custom_message: 'See you on Saturday at 10.' } },
      })
    ).body;
    const page = await browser.newPage();
    await page.goto(link.url);
    expect(page.url()).toMatch(new RegExp(`^${server.url}/c/cs_[A-Za-z0-9]+$`));
    expect(await page.locator('#total-amount').innerText()).toBe('¥7,000');
    await fillBuyer(page);
    await fillBilling(page);
    await page.getByLabel('pm_card_visa').check();
    await pay(page);
    await page.waitForURL(/\/complete$/);
    expect(await page.locator('h1').innerText()).toBe('Payment complete');
    expect(await page.locator('#confirmation-message').innerText()).toBe('See you on Saturday at 10.');
    const id = new URL(page.url()).pathname.split('/')[2]!;
    const session = await sessionWithIntent(id);
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid', checkout_link: link.id, amount_total: 7000, currency: 'jpy' });
    expect(session.payment_intent).toMatchObject({ status: 'succeeded', amount: 7000 });
    await page.close();
  });

  it('the cancel link returns to cancel_url', async () => {
    const s = await createSession();
    const page = await browser.newPage();
    await page.goto(s.url);
    await page.getByRole('link', { name: 'Cancel and return to Brightwater Coffee' }).click();
    await page.waitForURL(`${landing.url}/cart`);
    expect((await sessionWithIntent(s.id)).status).toBe('open');
    await page.close();
  });

  it('the embedded demo shop mounts checkout and completes', async () => {
    const shop = await startShop({ railyardUrl: server.url, secretKey: server.merchant.keys.sk_test, publishableKey: server.merchant.keys.pk_test });
    const page = await browser.newPage();
    try {
      const events: string[] = [];
      page.on('console', (m) => events.push(m.text()));
      await page.goto(shop.url);
      await expect.poll(() => events.includes('ready')).toBe(true);
      const frame = page.frameLocator('#checkout iframe');
      await frame.getByLabel('Email').fill('sam@example.com');
      await frame.getByLabel('Full name').fill('Sam Carter');
      await frame.locator('#billing-country').selectOption('CA');
      await frame.locator('#billing-postal-code').fill('H2X 1Z4');
      // A decline first: the parent page hears about it.
      await frame.getByLabel('Card number', { exact: true }).fill('4000 0000 0000 9995');
      await frame.getByLabel('Expiry month').fill('7');
      await frame.getByLabel('Expiry year').fill(NEXT_YEAR);
      await frame.getByLabel('Security code').fill('321');
      await frame.getByRole('button', { name: /^Pay / }).click();
      await frame.locator('#form-errors').waitFor();
      await expect.poll(() => events.some((e) => e.startsWith('declined insufficient_funds'))).toBe(true);
      await frame.getByLabel('Card number', { exact: true }).fill('4242 4242 4242 4242');
      await frame.getByLabel('Security code').fill('321');
      if (shots) await screenshot(page, 'embedded');
      await frame.getByRole('button', { name: /^Pay / }).click();
      await page.waitForURL(`${shop.url}/complete**`);
      expect(await page.locator('#result').innerText()).toBe('Thank you — your order is paid');

      const id = new URL(page.url()).searchParams.get('session_id')!;
      const session = await sessionWithIntent(id);
      expect(session).toMatchObject({ ui_mode: 'embedded', status: 'complete', payment_status: 'paid', amount_total: 3100 });
      expect(session.customer_details).toMatchObject({ email: 'sam@example.com', name: 'Sam Carter' });
      expect(session.customer).toMatch(/^cus_/);
      expect(session.payment_intent.status).toBe('succeeded');
      expect((await chargesOf(session.payment_intent.id)).map((c) => c.status as string).sort()).toEqual(['failed', 'succeeded']);
      expect(await eventTypes(session)).toContain('checkout.session.completed');
    } finally {
      await page.close();
      await shop.close();
    }
  });

  it('completes with the keyboard alone, with a visible focus indicator', async () => {
    const s = await createSession();
    const page = await browser.newPage();
    await page.goto(s.url);
    const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
    const outline = () => page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);

    await page.keyboard.press('Tab');
    expect(await focused()).toBe('email');
    expect(await outline()).toBe('solid');
    await page.keyboard.type('kim@example.com');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('name');
    await page.keyboard.type('Kim Lee');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('billing-country');
    await page.keyboard.type('United States');
    expect(await page.locator('#billing-country').inputValue()).toBe('US');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('billing-postal-code');
    await page.keyboard.type('10001');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('pm-card'); // the payment-method group, at its checked choice
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('card-number');
    await page.keyboard.type('4242424242424242');
    await page.keyboard.press('Tab');
    await page.keyboard.type('12');
    await page.keyboard.press('Tab');
    await page.keyboard.type(NEXT_YEAR);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('card-cvc');
    await page.keyboard.type('123');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('pay-button');
    expect(await outline()).toBe('solid');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${landing.url}/success**`).catch(async (err: unknown) => {
      throw new Error(`${String(err)}\n${await page.locator('body').innerText()}`);
    });
    const session = await sessionWithIntent(s.id);
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(session.customer_details).toMatchObject({ email: 'kim@example.com', name: 'Kim Lee', address: { country: 'US', postal_code: '10001' } });
    await page.close();
  });

  it('fits a phone screen without horizontal scrolling', async () => {
    const s = await createSession({ phone_number_collection: true, billing_address_collection: 'required' });
    const page = await browser.newPage();
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(s.url);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Every visible form control has a label.
    const unlabeled = await page.evaluate(() =>
      [...document.querySelectorAll('input:not([type=hidden]), select')].filter((el) => !(el as HTMLInputElement).labels?.length).map((el) => el.id),
    );
    expect(unlabeled).toEqual([]);
    if (shots) await screenshot(page, 'mobile');
    await page.close();
  });

  it('no card number reached the server logs', () => {
    const logs = server.logs.text();
    expect(logs.length).toBeGreaterThan(0);
    for (const n of ['4242424242424242', '4242 4242 4242 4242', '4000000000000002', '4000 0000 0000 0002', '4000002760003184', '4000000000009995']) {
      expect(logs).not.toContain(n);
    }
  });
});
