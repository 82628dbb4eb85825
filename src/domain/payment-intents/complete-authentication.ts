import type { OpContext } from '../context.js';
import { challengeUrlMatches } from '../authentication/challenge.js';
import { recordEvent } from '../events/record-event.js';
import { usablePaymentMethod } from '../payment-methods/usable-payment-method.js';
import { processorFor } from '../processor/processor.js';
import { newId } from '../../lib/ids.js';
import { notifyStatusChange } from './listeners.js';
import { applyAuthorization, AUTHENTICATION_FAILURE } from './payment-attempt.js';
import type { PaymentIntent, StoredPaymentIntent } from './payment-intent.js';
import { loadPaymentIntent, presentPaymentIntent, savePaymentIntent } from './payment-intent-store.js';
import { nextStatus } from './state-machine.js';
import { redirectOf } from './payment-intent.js';
import { requireCustomer } from '../payment-methods/customer-reference.js';

export interface AuthenticationResult {
  /** False when the challenge is no longer the intent's current one (already answered, re-confirmed, canceled). */
  applied: boolean;
  intent: PaymentIntent;
  /** Where to send the customer afterwards (the confirmation's `return_url`), if any. */
  returnUrl: string | null;
}

/**
 * The customer's answer on the authentication page. `complete` hands the authenticated attempt to the processor
 * (→ succeeded, requires_capture, processing, or a decline back to requires_payment_method); with manual
 * confirmation it returns to requires_confirmation for the server to confirm. `fail` returns the intent to
 * requires_payment_method with `last_payment_error` (event `payment_intent.payment_failed`).
 */
export async function completePaymentIntentAuthentication(
  ctx: OpContext,
  id: string,
  token: string,
  answer: 'complete' | 'fail',
): Promise<AuthenticationResult> {
  const row = await loadPaymentIntent(ctx, id, { forUpdate: true });
  const intent = row.intent;
  const redirect = redirectOf(intent.next_action)?.redirect_to_url;
  const returnUrl = redirect?.return_url ?? null;
  if (intent.status !== 'requires_action' || !challengeUrlMatches(redirect?.url, token)) {
    return { applied: false, intent: await presentPaymentIntent(ctx, intent), returnUrl };
  }
  const link = { paymentIntent: id };

  if (answer === 'fail' || intent.payment_method === null) {
    const next: StoredPaymentIntent = {
      ...intent,
      status: nextStatus(intent.status, 'authentication_failed'),
      next_action: null,
      payment_method: null,
      last_payment_error: { type: 'payment_error', decline_code: null, charge: null, payment_method: intent.payment_method, ...AUTHENTICATION_FAILURE },
    };
    await savePaymentIntent(ctx, next, { authenticatedPaymentMethod: null });
    const presented = await presentPaymentIntent(ctx, next);
    await recordEvent(ctx, 'payment_intent.payment_failed', presented, link);
    await notifyStatusChange(ctx, { intent: presented, previousStatus: intent.status, checkoutSession: row.checkoutSession, source: 'authentication' });
    return { applied: true, intent: presented, returnUrl };
  }

  if (intent.confirmation_method === 'manual') {
    const next: StoredPaymentIntent = { ...intent, status: nextStatus(intent.status, 'authentication_awaiting_confirmation'), next_action: null };
    await savePaymentIntent(ctx, next, { authenticatedPaymentMethod: intent.payment_method });
    const presented = await presentPaymentIntent(ctx, next);
    await notifyStatusChange(ctx, { intent: presented, previousStatus: intent.status, checkoutSession: row.checkoutSession, source: 'authentication' });
    return { applied: true, intent: presented, returnUrl };
  }

  if (intent.customer !== null) await requireCustomer(ctx, intent.customer);
  const usable = await usablePaymentMethod(ctx, intent.payment_method, { param: 'payment_method', customer: intent.customer });
  const decision = await processorFor(ctx.deps, ctx.actor.scope.livemode).authorize({
    token: usable.token,
    amount: intent.amount,
    currency: intent.currency,
    capture: intent.capture_method !== 'manual',
    authenticated: true,
    attempt: newId('attempt'),
  });
  const result = await applyAuthorization(ctx, row, usable, decision, {
    phase: 'authentication',
    authenticated: true,
    returnUrl,
    source: 'authentication',
  });
  return { applied: true, intent: result.intent, returnUrl };
}
