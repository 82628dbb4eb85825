import { buyerNameProblem, isValidBuyerPhone, MAX_BUYER_NAME } from '../domain/checkout-sessions/collect-details.js';
import type { Address } from '../domain/customers/customer.js';
import { isCountryCode } from '../lib/countries.js';
import { detectBrand, fullExpiryYear, normalizeCardNumber, passesLuhn } from '../domain/processor/card-number.js';
import { TEST_PAYMENT_METHODS } from '../domain/processor/test-processor.js';
import { NO_POSTAL_CODE } from './countries.js';
import { EMPTY_ADDRESS, requiresName, type AddressValues, type FormValues, type PageErrors, type PageSession } from './page-model.js';

/**
 * Reads and checks a posted payment form. The server trusts nothing the browser sends beyond the buyer's own
 * details: amounts, currency and line items always come from the session (any such field in the post is ignored),
 * the shipping option must be one of this session's, countries must be allowed, and card details are checked here
 * before any payment is attempted. Problems are keyed by the id of the field to fix.
 */

export interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc: string;
}

/** The buyer's details and payment method, ready for the session's completion. */
export interface PagePayment {
  email: string;
  /** Null when the buyer left it out where it is optional (`billing_address_collection: auto`, nothing shipped). */
  name: string | null;
  phone: string | null;
  billingAddress: Address | null;
  shippingAddress: Address | null;
  shippingRate: string | null;
  /** A test PaymentMethod id (test mode), or the typed card. */
  payment: { kind: 'payment_method'; id: string } | { kind: 'card'; card: CardInput } | { kind: 'none' };
}

export type FormResult = { ok: true; values: FormValues; payment: PagePayment } | { ok: false; values: FormValues; errors: PageErrors };

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const MAX_LINE = 200;
const MAX_CITY = 100;
const MAX_POSTAL = 20;

type Body = Record<string, unknown>;

function text(v: unknown, max = 1000): string {
  if (typeof v !== 'string') return '';
  // Control characters never belong in a buyer's details; newlines in a one-line field are folded to spaces.
  return v.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, max + 1);
}

function sub(body: Body, key: string): Body {
  const v = body[key];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : {};
}

function addressFrom(v: unknown): AddressValues {
  const o = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : {};
  return {
    line1: text(o.line1, MAX_LINE),
    line2: text(o.line2, MAX_LINE),
    city: text(o.city, MAX_CITY),
    state: text(o.state, MAX_CITY),
    postal_code: text(o.postal_code, MAX_POSTAL),
    country: text(o.country, 2).toUpperCase(),
  };
}

/** The values to show again if the page must be re-rendered. Card number and CVC are deliberately left out. */
export function readFormValues(body: Body): FormValues {
  const card = sub(body, 'card');
  return {
    email: text(body.email, 512),
    name: text(body.name, MAX_BUYER_NAME),
    phone: text(body.phone, 25),
    shipping: addressFrom(body.shipping_address),
    billing: addressFrom(body.billing_address),
    billingSameAsShipping: body.billing_same_as_shipping === '1' || body.billing_same_as_shipping === 'on',
    shippingRate: text(body.shipping_rate, 255),
    paymentMethod: text(body.payment_method, 64),
    expMonth: text(card.exp_month, 2),
    expYear: text(card.exp_year, 4),
  };
}

/** Values for a first rendering: the prefilled email, the preselected shipping option, billing same as shipping. */
export function initialFormValues(s: PageSession): FormValues {
  return {
    email: s.email ?? '',
    name: '',
    phone: '',
    shipping: { ...EMPTY_ADDRESS, country: s.allowedCountries?.length === 1 ? (s.allowedCountries[0] ?? '') : '' },
    billing: { ...EMPTY_ADDRESS },
    billingSameAsShipping: true,
    shippingRate: s.selectedShippingRate ?? '',
    paymentMethod: 'card',
    expMonth: '',
    expYear: '',
  };
}

function toAddress(v: AddressValues): Address {
  const orNull = (s: string) => (s === '' ? null : s);
  return {
    line1: orNull(v.line1),
    line2: orNull(v.line2),
    city: orNull(v.city),
    state: orNull(v.state),
    postal_code: orNull(v.postal_code),
    country: orNull(v.country),
  };
}

/**
 * Checks a typed address. `full` asks for every line; otherwise only country and postal code are shown, and they are
 * optional (`billing_address_collection: auto`: the page asks only for what the payment needs, and the processor
 * needs no address) — checked when given.
 */
function checkAddress(
  v: AddressValues,
  prefix: 'shipping' | 'billing',
  full: boolean,
  allowed: readonly string[] | null,
  fields: Record<string, string>,
): void {
  const where = prefix === 'shipping' ? 'shipping' : 'billing';
  if (v.country === '') {
    if (full) fields[`${prefix}-country`] = `Choose the ${where} country.`;
  }
  else if (!isCountryCode(v.country)) fields[`${prefix}-country`] = `Choose a ${where} country from the list.`;
  else if (allowed && !allowed.includes(v.country)) {
    fields[`${prefix}-country`] = `This seller does not ship to that country. Choose one of the countries listed.`;
  }
  if (full) {
    if (v.line1 === '') fields[`${prefix}-line1`] = `Enter the ${where} address.`;
    else if (v.line1.length > MAX_LINE) fields[`${prefix}-line1`] = `The ${where} address is too long.`;
    if (v.line2.length > MAX_LINE) fields[`${prefix}-line2`] = 'Address line 2 is too long.';
    if (v.city === '') fields[`${prefix}-city`] = `Enter the ${where} city.`;
    else if (v.city.length > MAX_CITY) fields[`${prefix}-city`] = 'The city is too long.';
    if (v.state.length > MAX_CITY) fields[`${prefix}-state`] = 'The state or region is too long.';
  }
  const needsPostal = full && v.country !== '' && !NO_POSTAL_CODE.has(v.country);
  if (needsPostal && v.postal_code === '') fields[`${prefix}-postal-code`] = `Enter the ${where} postal code.`;
  else if (v.postal_code.length > MAX_POSTAL || (v.postal_code !== '' && !/^[A-Za-z0-9][A-Za-z0-9 -]*$/.test(v.postal_code))) {
    fields[`${prefix}-postal-code`] = 'Enter a valid postal code.';
  }
}

/** Checks the typed card. `now` is the merchant's clock (unix seconds): a card expiring this month still works. */
export function checkCard(raw: Body, now: number, fields: Record<string, string>): CardInput | undefined {
  const numberText = typeof raw.number === 'string' ? raw.number.trim() : '';
  const month = typeof raw.exp_month === 'string' ? raw.exp_month.trim() : '';
  const year = typeof raw.exp_year === 'string' ? raw.exp_year.trim() : '';
  const cvc = typeof raw.cvc === 'string' ? raw.cvc.trim() : '';

  let number: string | undefined;
  if (numberText === '') fields['card-number'] = 'Enter your card number.';
  else if (!/^[0-9 -]+$/.test(numberText)) fields['card-number'] = 'A card number has digits only.';
  else {
    number = normalizeCardNumber(numberText);
    if (number === undefined || !passesLuhn(number)) {
      fields['card-number'] = 'Your card number is incorrect.';
      number = undefined;
    }
  }

  const today = new Date(now * 1000);
  const thisYear = today.getUTCFullYear();
  const thisMonth = today.getUTCMonth() + 1;
  const expMonth = /^\d{1,2}$/.test(month) ? Number(month) : NaN;
  if (!(expMonth >= 1 && expMonth <= 12)) fields['card-exp-month'] = 'Enter the expiry month as 1 to 12.';
  let expYear = NaN;
  // Two digits are read as 20YY, as the API reads `payment_method_data[card][exp_year]`.
  if (!/^(\d{2}|\d{4})$/.test(year)) fields['card-exp-year'] = 'Enter the expiry year (for example 2030 or 30).';
  else {
    expYear = fullExpiryYear(Number(year));
    if (expYear < thisYear || (expYear === thisYear && expMonth >= 1 && expMonth < thisMonth)) {
      fields['card-exp-year'] = "Your card's expiration date is in the past.";
    } else if (expYear > thisYear + 50) {
      fields['card-exp-year'] = "Your card's expiration year is invalid.";
    }
  }

  const amex = number !== undefined && detectBrand(number) === 'amex';
  if (!(amex ? /^\d{4}$/ : /^\d{3}$/).test(cvc)) {
    fields['card-cvc'] = amex ? 'The security code of this card has 4 digits.' : 'The security code has 3 digits.';
  }

  if (number === undefined || fields['card-exp-month'] || fields['card-exp-year'] || fields['card-cvc']) return undefined;
  return { number, exp_month: expMonth, exp_year: expYear, cvc };
}

/**
 * Validates a post against the session. `now` is the merchant's clock. Returns the payment to attempt, or the
 * problems to show.
 */
export function parseCheckoutForm(body: Body, s: PageSession, now: number): FormResult {
  const values = readFormValues(body);
  if (s.emailLocked && s.email) values.email = s.email;
  const fields: Record<string, string> = {};

  if (values.email === '') fields.email = 'Enter your email address.';
  else if (values.email.length > 512 || !EMAIL.test(values.email)) fields.email = 'Enter a valid email address.';

  const nameProblem = values.name === '' ? null : buyerNameProblem(values.name);
  if (values.name === '') {
    if (requiresName(s)) fields.name = 'Enter your full name.';
  }
  else if (nameProblem === 'too_long') fields.name = `Your name must be at most ${MAX_BUYER_NAME} characters.`;
  else if (nameProblem === 'forbidden_characters') fields.name = 'Your name cannot contain the characters < > { }.';

  let phone: string | null = null;
  if (s.phoneNumberCollection) {
    if (values.phone === '') fields.phone = 'Enter your phone number.';
    else if (!isValidBuyerPhone(values.phone)) fields.phone = 'Enter a valid phone number (digits, spaces and + ( ) - only).';
    else phone = values.phone;
  }

  let shippingAddress: Address | null = null;
  if (s.allowedCountries) {
    checkAddress(values.shipping, 'shipping', true, s.allowedCountries, fields);
    shippingAddress = toAddress(values.shipping);
  }

  const fullBilling = s.billingAddressCollection === 'required';
  let billingAddress: Address | null;
  if (s.allowedCountries && values.billingSameAsShipping) {
    billingAddress = shippingAddress;
  } else {
    checkAddress(values.billing, 'billing', fullBilling, null, fields);
    if (fullBilling) billingAddress = toAddress(values.billing);
    else if (values.billing.country === '' && values.billing.postal_code === '') billingAddress = null;
    else billingAddress = toAddress({ ...EMPTY_ADDRESS, country: values.billing.country, postal_code: values.billing.postal_code });
  }

  let shippingRate: string | null = null;
  if (s.shippingOptions.length > 0) {
    const chosen = s.shippingOptions.find((o) => o.shippingRate === values.shippingRate);
    if (!chosen) {
      fields['shipping-rate-0'] = values.shippingRate === '' ? 'Choose a shipping method.' : 'That shipping method is not offered for this order. Choose one of the methods listed.';
      values.shippingRate = '';
    } else {
      shippingRate = chosen.shippingRate;
    }
  }

  let payment: PagePayment['payment'] | undefined;
  const method = values.paymentMethod === '' ? 'card' : values.paymentMethod;
  if (!s.paymentRequired) {
    payment = { kind: 'none' };
  } else if (method === 'card') {
    const card = checkCard(sub(body, 'card'), now, fields);
    if (card) payment = { kind: 'card', card };
  } else if (!s.livemode && Object.hasOwn(TEST_PAYMENT_METHODS, method)) {
    payment = { kind: 'payment_method', id: method };
  } else {
    fields['pm-card'] = 'Choose a payment method from the list.';
    values.paymentMethod = 'card';
  }

  if (Object.keys(fields).length > 0 || !payment) return { ok: false, values, errors: { fields } };
  return {
    ok: true,
    values,
    payment: { email: values.email, name: values.name === '' ? null : values.name, phone, billingAddress, shippingAddress, shippingRate, payment },
  };
}
