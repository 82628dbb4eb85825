import { expect } from 'vitest';
import type { client } from '../harness.js';

/**
 * Drives the checkout pages over plain HTTP (no browser): read a rendered form's hidden fields, post it as a
 * browser would (application/x-www-form-urlencoded, redirects not followed), and create sessions through the API.
 */

export interface PageResponse {
  status: number;
  headers: Headers;
  html: string;
  /** The Location of a redirect, if any. */
  location: string | null;
}

export async function getPage(base: string, path: string, headers: Record<string, string> = {}): Promise<PageResponse> {
  const res = await fetch(base + path, { redirect: 'manual', headers });
  return { status: res.status, headers: res.headers, html: await res.text(), location: res.headers.get('location') };
}

export async function postPage(base: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<PageResponse> {
  const res = await fetch(base + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, headers: res.headers, html: await res.text(), location: res.headers.get('location') };
}

function decodeEntities(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#96;/g, '`').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The hidden inputs of the page's form (form_key, csrf_token, and the embedded credentials). */
export function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) out[m[1]!] = decodeEntities(m[2]!);
  return out;
}

/** The `value` attribute of the input with this id, decoded. */
export function inputValue(html: string, id: string): string | undefined {
  const tag = new RegExp(`<input[^>]* id="${id}"[^>]*>`).exec(html)?.[0];
  const v = tag && /value="([^"]*)"/.exec(tag)?.[1];
  return v === undefined ? undefined : decodeEntities(v);
}

/** The field error shown for a field id, decoded. */
export function fieldError(html: string, id: string): string | undefined {
  const m = new RegExp(`<p class="field-error" id="${id}-error">([^<]*)</p>`).exec(html);
  return m ? decodeEntities(m[1]!) : undefined;
}

/** The message at the top of the form (a decline, a refused post). */
export function formMessage(html: string): string | undefined {
  const m = /<p id="form-error-message"><strong>([^<]*)<\/strong><\/p>/.exec(html);
  return m ? decodeEntities(m[1]!) : undefined;
}

export const CARD_OK = '4242 4242 4242 4242';

/** A buyer's complete, valid answers (card paid with 4242…). */
export function buyerFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    email: 'jenny@example.com',
    name: 'Jenny Rosen',
    'billing_address[country]': 'US',
    'billing_address[postal_code]': '94107',
    payment_method: 'card',
    'card[number]': CARD_OK,
    'card[exp_month]': '12',
    'card[exp_year]': String(new Date().getUTCFullYear() + 3),
    'card[cvc]': '123',
    ...overrides,
  };
}

/** A default hosted session body; a test adds what it needs. */
export function sessionBody(landing: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mode: 'payment',
    line_items: [
      { price_data: { currency: 'usd', unit_amount: 1800, product_data: { name: 'House blend, 1 kg' } }, quantity: 1 },
      { price_data: { currency: 'usd', unit_amount: 650, product_data: { name: 'Paper filters (100)' } }, quantity: 2 },
    ],
    success_url: `${landing}/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${landing}/cart`,
    ...extra,
  };
}

/** Two shipping options in USD: Standard ($5, preselected) and Express ($15, 1–2 business days). */
export const TWO_SHIPPING_OPTIONS = [
  { shipping_rate_data: { display_name: 'Standard', type: 'fixed_amount', fixed_amount: { amount: 500, currency: 'usd' } } },
  {
    shipping_rate_data: {
      display_name: 'Express',
      type: 'fixed_amount',
      fixed_amount: { amount: 1500, currency: 'usd' },
      delivery_estimate: { minimum: { unit: 'business_day', value: 1 }, maximum: { unit: 'business_day', value: 2 } },
    },
  },
];

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Creates a session through the API (sessionBody plus `extra`); any error fails the test. */
export async function createSession(api: ReturnType<typeof client>, landing: string, extra: Record<string, unknown> = {}): Promise<Obj> {
  const res = await api.post<Obj>('/v1/checkout/sessions', sessionBody(landing, extra));
  expect(res.status, res.text).toBe(200);
  return res.body;
}
