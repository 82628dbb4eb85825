import type { OpContext } from '../context.js';
import { createCustomer } from '../customers/create-customer.js';
import { recordEvent } from '../events/record-event.js';
import { recordLinkCompletion } from '../checkout-links/record-link-completion.js';
import { createOrderFromSession } from '../orders/create-order-from-session.js';
import { releaseSessionOrderPayment } from '../orders/release-session-order.js';
import { decideSessionGovernance, onPaymentIntentStatusChange } from '../payment-intents/listeners.js';
import type { PaymentIntent } from '../payment-intents/payment-intent.js';
import { loadShippingRate } from '../shipping-rates/load-shipping-rate.js';
import { customerEmail, merchantFixedEmail, shippingInEffect } from './collect-details.js';
import type { CheckoutSession, CollectedDetails } from './session.js';
import { loadSessionRow, saveSession, selectSession } from './session-store.js';

/** A Customer is made at completion when asked (`always`), or when the session's mode needs one (`order`). */
export function sessionNeedsCustomer(session: CheckoutSession): boolean {
  return session.customer === null && (session.customer_creation === 'always' || session.mode === 'order');
}

/** Creates the Customer a session's buyer becomes, from what they gave. */
export async function createSessionCustomer(ctx: OpContext, session: CheckoutSession, collected: CollectedDetails, fallbackEmail: string | null) {
  return createCustomer(ctx, {
    email: session.customer_email ?? collected.email ?? fallbackEmail,
    name: collected.name ?? null,
    phone: collected.phone ?? null,
    address: collected.billing_address ?? null,
  });
}

/**
 * Completes an open session whose payment went through (its intent `succeeded`, or `requires_capture` with manual
 * capture) or that had nothing to pay: the buyer's details become `customer_details` / `shipping_details`, the
 * Customer is set (made now if needed and not made at the payment attempt), a checkout link counts the sale, an
 * order-mode session creates its Order; `status: complete`, `payment_status: paid` (`no_payment_required` without
 * a PaymentIntent); event `checkout.session.completed`. A session that is no longer open is left as it is.
 */
export async function finishCheckoutSession(ctx: OpContext, sessionId: string, intent: PaymentIntent | null): Promise<CheckoutSession> {
  const row = await loadSessionRow(ctx, sessionId, { forUpdate: true });
  const current = row.session;
  if (current.status !== 'open') return current;
  const collected = row.collected;
  const existing = current.customer ?? collected.customer ?? intent?.customer ?? null;
  // The email the merchant fixed wins over anything the buyer gave (mergeBuyerDetails keeps none then); another
  // customer (the buyer's or the payment's) is looked up only when neither gave one. The session's own customer was
  // already looked up by merchantFixedEmail.
  const otherCustomer = existing === current.customer ? null : existing;
  const email =
    (await merchantFixedEmail(ctx, current)) ?? collected.email ?? (await customerEmail(ctx, otherCustomer)) ?? intent?.receipt_email ?? null;
  let customer = existing;
  if (customer === null && sessionNeedsCustomer(current)) {
    customer = (await createSessionCustomer(ctx, current, collected, intent?.receipt_email ?? null)).id;
  }
  const next: CheckoutSession = {
    ...current,
    status: 'complete',
    payment_status: current.payment_intent === null ? 'no_payment_required' : 'paid',
    customer,
    customer_details: {
      email,
      name: collected.name ?? null,
      phone: collected.phone ?? null,
      address: collected.billing_address ?? null,
    },
    shipping_details: shippingInEffect(current, collected),
  };
  if (next.checkout_link !== null) await recordLinkCompletion(ctx, next.checkout_link);
  await saveSession(ctx, next);
  if (next.mode === 'order') {
    const rate = next.shipping_cost ? await loadShippingRate(ctx, next.shipping_cost.shipping_rate).catch(() => undefined) : undefined;
    await createOrderFromSession(ctx, next, row.lineItems, rate);
  }
  await recordEvent(ctx, 'checkout.session.completed', next);
  return next;
}

let listening = false;

/**
 * Completes a session whenever its PaymentIntent's payment goes through, wherever that happens: the confirm call of
 * the client-side API or the hosted page, or the 3-D Secure authentication page (which knows nothing of
 * checkout). Runs inside the transaction that changed the intent. Registered once per process.
 */
export function listenForSessionPayments(): void {
  if (listening) return;
  listening = true;
  onPaymentIntentStatusChange(async (ctx, change) => {
    if (change.checkoutSession === null) return;
    // A completed session's authorization released: its order (order mode) is no longer paid.
    if (change.previousStatus === 'requires_capture' && change.intent.status === 'canceled') {
      await releaseSessionOrderPayment(ctx, change.checkoutSession);
      return;
    }
    if (change.intent.status !== 'succeeded' && change.intent.status !== 'requires_capture') return;
    await finishCheckoutSession(ctx, change.checkoutSession, change.intent);
  });
  // An open session governs its intent (expire the session to cancel it); a finished one leaves it to the merchant.
  decideSessionGovernance(async (ctx, id) => ((await selectSession(ctx.db, ctx.actor.scope, id, { lineItems: false }))?.session.status ?? 'open') === 'open');
}

listenForSessionPayments();
