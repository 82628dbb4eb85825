import { describe, expect, it } from 'vitest';
import { parseCheckoutForm } from './checkout-form.js';
import type { PageSession } from './page-model.js';

const NOW = Date.UTC(2026, 2, 9, 12) / 1000; // 2026-03-09

function session(over: Partial<PageSession> = {}): PageSession {
  return {
    id: 'cs_test',
    livemode: false,
    currency: 'usd',
    lines: [],
    amountSubtotal: 1000,
    amountDiscount: 0,
    amountShipping: 0,
    amountTax: 0,
    amountTotal: 1000,
    shippingOptions: [],
    selectedShippingRate: null,
    email: null,
    emailLocked: false,
    phoneNumberCollection: false,
    billingAddressCollection: 'auto',
    allowedCountries: null,
    cancelUrl: null,
    expiresAt: NOW + 3600,
    paymentRequired: true,
    ...over,
  };
}

const base = {
  email: 'a@example.com',
  name: 'A Person',
  billing_address: { country: 'US', postal_code: '10001' },
  payment_method: 'card',
  card: { number: '4242 4242 4242 4242', exp_month: '3', exp_year: '2026', cvc: '123' },
};

describe('parseCheckoutForm', () => {
  it('accepts a card expiring this month (merchant clock) and normalizes the number', () => {
    const r = parseCheckoutForm(base, session(), NOW);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.payment.payment).toEqual({ kind: 'card', card: { number: '4242424242424242', exp_month: 3, exp_year: 2026, cvc: '123' } });
  });

  it('reads a two-digit year as 20YY', () => {
    const r = parseCheckoutForm({ ...base, card: { ...base.card, exp_year: '26' } }, session(), NOW);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.payment.payment).toEqual({ kind: 'card', card: { number: '4242424242424242', exp_month: 3, exp_year: 2026, cvc: '123' } });
    const three = parseCheckoutForm({ ...base, card: { ...base.card, exp_year: '226' } }, session(), NOW);
    expect(!three.ok && three.errors.fields['card-exp-year']).toBe('Enter the expiry year (for example 2030 or 30).');
  });

  it('refuses last month', () => {
    const r = parseCheckoutForm({ ...base, card: { ...base.card, exp_month: '2' } }, session(), NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.fields['card-exp-year']).toBe("Your card's expiration date is in the past.");
  });

  it('asks American Express for 4 digits', () => {
    const r = parseCheckoutForm({ ...base, card: { ...base.card, number: '378282246310005', cvc: '123' } }, session(), NOW);
    expect(!r.ok && r.errors.fields['card-cvc']).toBe('The security code of this card has 4 digits.');
    expect(parseCheckoutForm({ ...base, card: { ...base.card, number: '378282246310005', cvc: '1234' } }, session(), NOW).ok).toBe(true);
  });

  it('billing auto: name, country and postal code are optional, and checked when given', () => {
    const bare = parseCheckoutForm({ ...base, name: '', billing_address: {} }, session(), NOW);
    expect(bare.ok).toBe(true);
    if (bare.ok) expect([bare.payment.name, bare.payment.billingAddress]).toEqual([null, null]);
    const noPostal = parseCheckoutForm({ ...base, billing_address: { country: 'US' } }, session(), NOW);
    expect(noPostal.ok).toBe(true);
    if (noPostal.ok) expect(noPostal.payment.billingAddress).toEqual({ line1: null, line2: null, city: null, state: null, postal_code: null, country: 'US' });
    const badCountry = parseCheckoutForm({ ...base, billing_address: { country: 'ZZ', postal_code: '94107' } }, session(), NOW);
    expect(!badCountry.ok && badCountry.errors.fields['billing-country']).toBe('Choose a billing country from the list.');
    const badPostal = parseCheckoutForm({ ...base, billing_address: { country: 'US', postal_code: '<x>' } }, session(), NOW);
    expect(!badPostal.ok && badPostal.errors.fields['billing-postal-code']).toBe('Enter a valid postal code.');
  });

  it('billing required: name and the whole address; a postal code except where there are none', () => {
    const full = session({ billingAddressCollection: 'required' });
    const address = { line1: '1 Main St', city: 'Springfield', country: 'US', postal_code: '94107' };
    expect(parseCheckoutForm({ ...base, billing_address: address }, full, NOW).ok).toBe(true);
    const r = parseCheckoutForm({ ...base, name: '', billing_address: { ...address, postal_code: '' } }, full, NOW);
    expect(!r.ok && r.errors.fields).toMatchObject({ name: 'Enter your full name.', 'billing-postal-code': 'Enter the billing postal code.' });
    const hk = parseCheckoutForm({ ...base, billing_address: { ...address, country: 'HK', postal_code: '' } }, full, NOW);
    expect(hk.ok).toBe(true);
  });

  it('ignores any amount, currency or unknown field, and strips control characters', () => {
    const r = parseCheckoutForm({ ...base, amount: '1', currency: 'jpy', name: 'A\u0000 Person\r\n' }, session(), NOW);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.payment.name).toBe('A Person');
      expect(Object.keys(r.payment).sort()).toEqual(['billingAddress', 'email', 'name', 'payment', 'phone', 'shippingAddress', 'shippingRate']);
    }
  });

  it('a locked email (customer_email) wins over what is posted', () => {
    const r = parseCheckoutForm({ ...base, email: 'other@example.com' }, session({ email: 'fixed@example.com', emailLocked: true }), NOW);
    expect(r.ok && r.payment.email).toBe('fixed@example.com');
  });

  it('test payment methods only in test mode, and nothing to pay means no method', () => {
    expect(parseCheckoutForm({ ...base, payment_method: 'pm_card_visa' }, session(), NOW).ok).toBe(true);
    const live = parseCheckoutForm({ ...base, payment_method: 'pm_card_visa' }, session({ livemode: true }), NOW);
    expect(!live.ok && live.errors.fields['pm-card']).toBe('Choose a payment method from the list.');
    const free = parseCheckoutForm({ ...base, card: {} }, session({ paymentRequired: false, amountTotal: 0 }), NOW);
    expect(free.ok && free.payment.payment).toEqual({ kind: 'none' });
  });

  it('values that are not strings are treated as empty, never crash', () => {
    const r = parseCheckoutForm({ email: ['a', 'b'], name: { x: 1 }, card: 'x', billing_address: 'y' }, session(), NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors.fields)).toEqual(expect.arrayContaining(['email', 'card-number']));
    if (!r.ok) expect(Object.keys(r.errors.fields)).not.toEqual(expect.arrayContaining(['name']));
    if (!r.ok) expect(Object.keys(r.errors.fields)).not.toContain('billing-country');
    const full = parseCheckoutForm({ email: ['a', 'b'], name: { x: 1 }, card: 'x', billing_address: 'y' }, session({ billingAddressCollection: 'required' }), NOW);
    if (!full.ok) expect(Object.keys(full.errors.fields)).toEqual(expect.arrayContaining(['email', 'name', 'billing-country', 'card-number']));
    expect(full.ok).toBe(false);
  });
});
