import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { reserveLinkCompletion } from '../checkout-links/record-link-completion.js';
import { confirmPaymentIntent, type PaymentMethodDataInput } from '../payment-intents/confirm-payment-intent.js';
import type { RedirectNextAction } from '../payment-intents/payment-intent.js';
import { updatePaymentIntent } from '../payment-intents/update-payment-intent.js';
import { mergeBuyerDetails, merchantFixedEmail, requireCompletionDetails, type BuyerDetailsInput } from './collect-details.js';
import { notOpen, type SessionAction } from './expire-checkout-session.js';
import { createSessionCustomer, finishCheckoutSession, sessionNeedsCustomer } from './finish-checkout-session.js';
import { applyShipping } from './select-shipping-option.js';
import type { CheckoutSession, SessionRow } from './session.js';
import { loadSessionRow, saveSession } from './session-store.js';
import { redirectOf } from '../payment-intents/payment-intent.js';

export interface CompleteCheckoutSessionInput extends BuyerDetailsInput {
  shipping_rate?: string | undefined;
  payment_method?: string | undefined;
  payment_method_data?: PaymentMethodDataInput | undefined;
  return_url?: string | undefined;
}

export type CompletionResult =
  | { outcome: 'complete'; row: SessionRow }
  /** 3-D Secure: the buyer must visit `nextAction.redirect_to_url.url`; the session completes when they pass. */
  | { outcome: 'requires_action'; row: SessionRow; nextAction: RedirectNextAction }
  /** The payment was accepted and its result comes later; the session completes then. */
  | { outcome: 'processing'; row: SessionRow }
  /** Declined: the failed attempt is recorded and must be committed; the session stays open for another try. */
  | { outcome: 'declined'; row: SessionRow; error: AppError };

/** Open and not past its `expires_at` (the expiry job may not have run yet): else 400 checkout_session_not_open. */
export function assertPayable(ctx: OpContext, session: CheckoutSession, action: Exclude<SessionAction, 'expire'> = 'complete'): void {
  if (session.status !== 'open') throw notOpen(session, action);
  if (ctx.actor.now >= session.expires_at) {
    throw new AppError(
      'checkout_session_not_open',
      `Checkout Session ${session.id} expired at ${session.expires_at} and can no longer be ${action === 'update' ? 'updated' : 'paid'}.`,
    );
  }
}

/**
 * The buyer pays a session (the client-side API's confirm and the hosted page's form both come here). Under the
 * session's row lock: the session must be open and unexpired; the buyer's details are merged and checked against
 * the session's options (mergeBuyerDetails: the same rules for the API and the page, and the merchant's email
 * wins); a shipping choice moves the totals and the PaymentIntent's amount; a checkout link must still have a sale
 * left; the Customer is made when the session needs one (before the payment, so the intent and its charge name it;
 * a retry reuses it). Then the PaymentIntent is confirmed with the buyer's payment method, and
 * its success completes the session (finishCheckoutSession, through the payment listener). A zero-total session
 * completes without a payment method.
 */
export async function completeCheckoutSession(ctx: OpContext, id: string, input: CompleteCheckoutSessionInput): Promise<CompletionResult> {
  const row = await loadSessionRow(ctx, id, { forUpdate: true });
  let session = row.session;
  assertPayable(ctx, session);
  const fixedEmail = await merchantFixedEmail(ctx, session);
  const collected = mergeBuyerDetails(session, row.collected, input, fixedEmail);
  if (input.shipping_rate !== undefined) session = await applyShipping(ctx, session, row.lineItems, input.shipping_rate, 'shipping_rate');
  requireCompletionDetails(session, collected, fixedEmail);
  const paying = session.payment_intent !== null;
  if (paying && input.payment_method === undefined && input.payment_method_data === undefined) {
    throw new AppError('parameter_missing', 'Missing required param: payment_method (a pm_card_* test method) or payment_method_data.', {
      param: 'payment_method',
    });
  }
  if (session.checkout_link !== null) await reserveLinkCompletion(ctx, session.checkout_link);
  if (sessionNeedsCustomer(session) && collected.customer === undefined) {
    collected.customer = (await createSessionCustomer(ctx, session, collected, null)).id;
    if (session.payment_intent !== null) await updatePaymentIntent(ctx, session.payment_intent, { customer: collected.customer });
  }
  await saveSession(ctx, session, collected);
  const reload = () => loadSessionRow(ctx, id);

  if (session.payment_intent === null) {
    await finishCheckoutSession(ctx, id, null);
    return { outcome: 'complete', row: await reload() };
  }
  const result = await confirmPaymentIntent(ctx, session.payment_intent, {
    payment_method: input.payment_method,
    payment_method_data: input.payment_method_data,
    return_url: input.return_url,
  });
  switch (result.outcome) {
    case 'succeeded':
    case 'requires_capture':
      // The payment listener has completed the session inside confirmPaymentIntent; this covers any ordering.
      await finishCheckoutSession(ctx, id, result.intent);
      return { outcome: 'complete', row: await reload() };
    case 'requires_action': {
      const nextAction = redirectOf(result.intent.next_action);
      if (!nextAction) throw new AppError('api_error', 'The payment asked for authentication without saying where.');
      return { outcome: 'requires_action', row: await reload(), nextAction };
    }
    case 'processing':
      return { outcome: 'processing', row: await reload() };
    case 'declined': {
      const declineCode = (result.error?.extra?.decline_code as string | undefined) ?? 'generic_decline';
      const error = new AppError('card_declined', result.error?.message ?? 'Your card was declined.', { extra: { decline_code: declineCode } });
      return { outcome: 'declined', row: await reload(), error };
    }
  }
}
