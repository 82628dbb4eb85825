import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { cancelPaymentIntent } from '../payment-intents/cancel-payment-intent.js';
import type { CheckoutSession, SessionRow } from './session.js';
import { loadSessionRow, saveSession } from './session-store.js';

/** Why a session expired: the merchant's call (`abandoned` on the intent) or its `expires_at` (`expired`). */
export type ExpiryCause = 'call' | 'automatic';

/** What may be done to an open session only, and its past participle for the messages. */
const SESSION_ACTIONS = { expire: 'expired', update: 'updated', complete: 'completed' } as const;
export type SessionAction = keyof typeof SESSION_ACTIONS;

export function notOpen(session: Pick<CheckoutSession, 'id' | 'status'>, action: SessionAction): AppError {
  return new AppError(
    'checkout_session_not_open',
    `You cannot ${action} Checkout Session ${session.id} because its status is ${session.status}; only open sessions can be ${SESSION_ACTIONS[action]}.`,
  );
}

/**
 * Expires an open session: its PaymentIntent is canceled (`cancellation_reason` "abandoned" on the merchant's
 * call, "expired" when `expires_at` was reached), the session becomes `expired`, event `checkout.session.expired`.
 * The session row is locked first, so an expiry racing a completion serializes with it: exactly one wins and the
 * other sees a session that is no longer open (400 `checkout_session_not_open`).
 */
export async function expireCheckoutSession(ctx: OpContext, id: string, cause: ExpiryCause = 'call'): Promise<CheckoutSession> {
  const row = await loadSessionRow(ctx, id, { forUpdate: true, lineItems: false });
  return expireLoadedSession(ctx, row, cause);
}

/** Expires a session the caller has already loaded under its row lock. */
export async function expireLoadedSession(ctx: OpContext, row: SessionRow, cause: ExpiryCause): Promise<CheckoutSession> {
  const current = row.session;
  if (current.status !== 'open') throw notOpen(current, 'expire');
  if (current.payment_intent !== null) {
    const intent = await cancelPaymentIntent(ctx, current.payment_intent, cause === 'call' ? 'abandoned' : 'expired', { bySession: true });
    if (intent.status !== 'canceled') throw new AppError('api_error', `The PaymentIntent of session ${current.id} could not be canceled.`);
  }
  const next: CheckoutSession = { ...current, status: 'expired' };
  await saveSession(ctx, next);
  await recordEvent(ctx, 'checkout.session.expired', next);
  return next;
}
