import { timingSafeEqual } from 'node:crypto';
import type { OpContext } from '../context.js';
import type { RedirectNextAction } from '../payment-intents/payment-intent.js';
import { merchantFixedEmail } from './collect-details.js';
import { presentLineItem, type CheckoutSession, type PresentedLineItem, type SessionRow, type ShippingOption, type TotalDetails } from './session.js';
import { sessionNotFound } from './session-store.js';

/**
 * The session as a buyer's browser sees it (decisions.md "Client-side checkout API"): what is being bought and
 * what the buyer must provide — nothing else of the merchant's (no metadata, customer, URLs or intent). Line items
 * have the shape of the `line_items` list (the price by id). `next_action` appears only while a payment waits for
 * the buyer's authentication.
 */
export interface ClientView {
  object: 'checkout.session.client';
  id: string;
  status: CheckoutSession['status'];
  payment_status: CheckoutSession['payment_status'];
  mode: CheckoutSession['mode'];
  currency: string;
  line_items: PresentedLineItem[];
  amount_subtotal: number;
  total_details: TotalDetails;
  amount_total: number;
  shipping_options: ShippingOption[];
  customer_email: string | null;
  phone_number_collection: boolean;
  billing_address_collection: CheckoutSession['billing_address_collection'];
  shipping_address_collection: CheckoutSession['shipping_address_collection'];
  livemode: boolean;
  expires_at: number;
  next_action?: RedirectNextAction;
}

/**
 * The client view of a session, with `customer_email` the email the merchant fixed (its `customer_email`, or its
 * Customer's email), else the one the buyer gave.
 */
export async function clientView(ctx: OpContext, row: SessionRow, nextAction?: RedirectNextAction | null): Promise<ClientView> {
  return presentClientView(row, nextAction, await merchantFixedEmail(ctx, row.session));
}

export function presentClientView(row: SessionRow, nextAction?: RedirectNextAction | null, fixedEmail: string | null = null): ClientView {
  const s = row.session;
  const view: ClientView = {
    object: 'checkout.session.client',
    id: s.id,
    status: s.status,
    payment_status: s.payment_status,
    mode: s.mode,
    currency: s.currency,
    line_items: row.lineItems.map(presentLineItem),
    amount_subtotal: s.amount_subtotal,
    total_details: s.total_details,
    amount_total: s.amount_total,
    shipping_options: s.shipping_options,
    customer_email: fixedEmail ?? s.customer_email ?? row.collected.email ?? null,
    phone_number_collection: s.phone_number_collection,
    billing_address_collection: s.billing_address_collection,
    shipping_address_collection: s.shipping_address_collection,
    livemode: s.livemode,
    expires_at: s.expires_at,
  };
  if (nextAction) view.next_action = nextAction;
  return view;
}

/**
 * A client-side call proves it belongs to the buyer with the session's `client_secret`. A wrong or missing secret,
 * or a hosted session (which has none), answers exactly like a session that does not exist.
 */
export function assertClientSecret(session: CheckoutSession, given: string): void {
  const expected = session.client_secret;
  const a = Buffer.from(given);
  const b = Buffer.from(expected ?? '');
  if (expected === null || a.length !== b.length || !timingSafeEqual(a, b)) throw sessionNotFound(session.id);
}
