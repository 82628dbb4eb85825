import type { Metadata } from '../../lib/metadata.js';
import type { Address } from '../customers/customer.js';
import type { Price } from '../prices/price.js';

export const CHECKOUT_SESSIONS_TABLE = 'checkout_sessions';

/** A session accepts `expires_at` from 30 minutes to 24 hours ahead (merchant clock); 24 hours by default. */
export const SESSION_MIN_TTL_S = 30 * 60;
export const SESSION_MAX_TTL_S = 24 * 3600;
export const SESSION_DEFAULT_TTL_S = SESSION_MAX_TTL_S;
/**
 * Seconds of slack below the 30-minute minimum: a caller who computes "30 minutes from now" a moment before sending
 * the request is not refused for the seconds the request took. 29 minutes is still refused.
 */
export const SESSION_MIN_TTL_GRACE_S = 10;
export const MAX_LINE_ITEMS = 100;
export const MAX_QUANTITY = 999_999;
export const MAX_SHIPPING_OPTIONS = 5;

export type SessionMode = 'payment' | 'order';
export type SessionStatus = 'open' | 'complete' | 'expired';
export type SessionPaymentStatus = 'unpaid' | 'paid' | 'no_payment_required';
export type UiMode = 'hosted' | 'embedded' | 'custom';

/** One line of a session: Stripe's `item` shape, with the price as it was when the session was created. */
export interface LineItem {
  id: string;
  object: 'item';
  amount_discount: number;
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
  currency: string;
  /** The product's name. */
  description: string;
  price: Price;
  quantity: number;
}

/**
 * A line item as the API shows it (the Fluveo line-items reference): the price by id. `expand[]=data.price` on the
 * line-items list puts back the price as it was when the session was created.
 */
export type PresentedLineItem = Omit<LineItem, 'price'> & { price: string };

export function presentLineItem(item: LineItem): PresentedLineItem {
  return { ...item, price: item.price.id };
}

export interface ShippingOption {
  shipping_rate: string;
  shipping_amount: number;
}

/** The shipping option in effect (the first one until the buyer picks another). */
export interface ShippingCost {
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
  shipping_rate: string;
}

export interface CustomerDetails {
  email: string | null;
  name: string | null;
  phone: string | null;
  address: Address | null;
}

export interface ShippingDetails {
  name: string | null;
  address: Address | null;
}

export interface TotalDetails {
  amount_discount: number;
  amount_shipping: number;
  amount_tax: number;
}

export interface CheckoutSession {
  id: string;
  object: 'checkout.session';
  amount_subtotal: number;
  amount_total: number;
  billing_address_collection: 'auto' | 'required';
  cancel_url: string | null;
  checkout_link: string | null;
  client_reference_id: string | null;
  client_secret: string | null;
  created: number;
  currency: string;
  customer: string | null;
  customer_creation: 'always' | 'if_required';
  customer_details: CustomerDetails | null;
  customer_email: string | null;
  expires_at: number;
  livemode: boolean;
  metadata: Metadata;
  mode: SessionMode;
  payment_intent: string | null;
  payment_status: SessionPaymentStatus;
  phone_number_collection: boolean;
  shipping_address_collection: { allowed_countries: string[] } | null;
  shipping_cost: ShippingCost | null;
  shipping_details: ShippingDetails | null;
  shipping_options: ShippingOption[];
  status: SessionStatus;
  success_url: string | null;
  total_details: TotalDetails;
  ui_mode: UiMode;
  url: string | null;
}

/**
 * What the buyer gave before the payment finished: kept beside the session (never shown) so a completion that
 * happens later — a 3-D Secure authentication on its own page — records the same details.
 */
export interface CollectedDetails {
  email?: string | null | undefined;
  name?: string | null | undefined;
  phone?: string | null | undefined;
  billing_address?: Address | null | undefined;
  shipping_address?: Address | null | undefined;
  shipping_name?: string | null | undefined;
  /** The Customer made for this session at the first payment attempt (kept for a retry after a decline). */
  customer?: string | undefined;
}

/** A session with its hidden columns. */
export interface SessionRow {
  session: CheckoutSession;
  lineItems: LineItem[];
  collected: CollectedDetails;
}

/** The filter columns of a session row, kept in step with its JSON. */
export function sessionColumns(s: CheckoutSession): Record<string, unknown> {
  return {
    status: s.status,
    customer: s.customer,
    payment_intent: s.payment_intent,
    checkout_link: s.checkout_link,
    expires_at: s.expires_at,
  };
}

/** The hosted page of a session (served under the installation's PUBLIC_URL). */
export function hostedSessionUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/c/${id}`;
}

/** `success_url` with the literal `{CHECKOUT_SESSION_ID}` replaced, where the buyer goes after paying. */
export function successRedirectUrl(session: Pick<CheckoutSession, 'id' | 'success_url'>): string | null {
  return session.success_url === null ? null : session.success_url.split('{CHECKOUT_SESSION_ID}').join(session.id);
}
