import { AppError } from '../../lib/errors.js';
import type { Charge } from '../charges/charge.js';
import { recordCharge } from '../charges/record-charge.js';
import type { OpContext } from '../context.js';
import { openChallenge } from '../authentication/challenge.js';
import { recordEvent } from '../events/record-event.js';
import { attachLoaded } from '../payment-methods/attach-payment-method.js';
import type { UsablePaymentMethod } from '../payment-methods/payment-method.js';
import { DECLINE_MESSAGE, type AuthorizationDecision, type DeclineCode } from '../processor/processor.js';
import { notifyStatusChange, type StatusChangeSource } from './listeners.js';
import type { LastPaymentError, PaymentIntent, PaymentIntentRow, StoredPaymentIntent } from './payment-intent.js';
import { presentPaymentIntent, savePaymentIntent } from './payment-intent-store.js';
import { nextStatus, type PaymentIntentTrigger } from './state-machine.js';

export type ConfirmOutcome = 'succeeded' | 'requires_capture' | 'requires_action' | 'processing' | 'declined';

/** What a confirmation led to. A decline is an outcome, not an exception: the attempt is recorded either way. */
export interface ConfirmResult {
  outcome: ConfirmOutcome;
  intent: PaymentIntent;
  /** On a decline: the 402 to answer (card_declined with decline_code, the charge and the intent). */
  error?: AppError;
}

export const AUTHENTICATION_FAILURE: Pick<LastPaymentError, 'code' | 'message'> = {
  code: 'payment_intent_authentication_failure',
  message:
    'The provided payment method has failed authentication. Provide a new payment method to attempt to fulfill this PaymentIntent again.',
};

export function declineError(code: DeclineCode, chargeId: string | null, intent: PaymentIntent): AppError {
  return new AppError('card_declined', DECLINE_MESSAGE, {
    extra: { decline_code: code, charge: chargeId, payment_intent: intent },
  });
}

/**
 * Applies the processor's answer to an intent being confirmed (`confirm`) or authenticated (`authentication`):
 * the status per the state machine, the Charge recording the attempt, `setup_future_usage`, the events, and the
 * listeners — all in the caller's transaction.
 */
export async function applyAuthorization(
  ctx: OpContext,
  row: PaymentIntentRow,
  usable: UsablePaymentMethod,
  decision: AuthorizationDecision,
  options: { phase: 'confirm' | 'authentication'; authenticated: boolean; returnUrl: string | null; source: StatusChangeSource },
): Promise<ConfirmResult> {
  const intent = row.intent;
  const previous = intent.status;
  const manual = intent.capture_method === 'manual';
  const trigger = (suffix: string) => `${options.phase}_${suffix}` as PaymentIntentTrigger;
  const next: StoredPaymentIntent = { ...intent, payment_method: usable.paymentMethod.id, next_action: null };
  let charge: Charge | undefined;
  let error: AppError | undefined;
  let paymentMethod = usable.paymentMethod;

  switch (decision.outcome) {
    case 'approved': {
      next.status = nextStatus(previous, trigger(manual ? 'authorized' : 'approved'));
      if (intent.setup_future_usage !== null && intent.customer !== null) {
        paymentMethod = await attachLoaded(ctx, usable, intent.customer);
        next.payment_method = paymentMethod.id;
      }
      charge = await recordCharge(ctx, next, paymentMethod, { kind: manual ? 'authorized' : 'captured', reference: decision.reference }, options);
      next.amount_received = manual ? 0 : intent.amount;
      next.amount_capturable = manual ? intent.amount : 0;
      next.latest_charge = charge.id;
      next.last_payment_error = null;
      break;
    }
    case 'pending': {
      next.status = nextStatus(previous, trigger('pending'));
      charge = await recordCharge(ctx, next, paymentMethod, { kind: 'pending', reference: decision.reference }, options);
      next.latest_charge = charge.id;
      next.last_payment_error = null;
      break;
    }
    case 'declined': {
      next.status = nextStatus(previous, trigger('declined'));
      charge = await recordCharge(ctx, next, paymentMethod, { kind: 'declined', declineCode: decision.declineCode, reference: decision.reference }, options);
      next.payment_method = null;
      next.latest_charge = charge.id;
      next.last_payment_error = {
        type: 'payment_error',
        code: 'card_declined',
        decline_code: decision.declineCode,
        message: DECLINE_MESSAGE,
        charge: charge.id,
        payment_method: paymentMethod.id,
      };
      break;
    }
    case 'requires_action': {
      if (options.phase === 'authentication') {
        // Asked to authenticate again right after authenticating: the attempt has failed.
        next.status = nextStatus(previous, 'authentication_failed');
        next.payment_method = null;
        next.last_payment_error = { type: 'payment_error', decline_code: null, charge: null, payment_method: paymentMethod.id, ...AUTHENTICATION_FAILURE };
        break;
      }
      next.status = nextStatus(previous, 'confirm_requires_action');
      const url = decision.redirectUrl ?? (await openChallenge(ctx, 'payment_intent', intent.id));
      next.next_action = { type: 'redirect_to_url', redirect_to_url: { url, return_url: options.returnUrl } };
      break;
    }
  }

  await savePaymentIntent(ctx, next, { authenticatedPaymentMethod: null });
  // A first attempt's charges are known without asking the database.
  const known = intent.latest_charge === null ? (charge ? [charge] : []) : undefined;
  const presented = await presentPaymentIntent(ctx, next, known);
  const link = { paymentIntent: intent.id };
  if (charge) {
    await recordEvent(ctx, `charge.${charge.status}`, charge, link);
  }
  switch (next.status) {
    case 'succeeded':
      await recordEvent(ctx, 'payment_intent.succeeded', presented, link);
      break;
    case 'requires_capture':
      await recordEvent(ctx, 'payment_intent.amount_capturable_updated', presented, link);
      break;
    case 'requires_action':
      await recordEvent(ctx, 'payment_intent.requires_action', presented, link);
      break;
    case 'processing':
      await recordEvent(ctx, 'payment_intent.processing', presented, link);
      break;
    case 'requires_payment_method':
      await recordEvent(ctx, 'payment_intent.payment_failed', presented, link);
      if (decision.outcome === 'declined') error = declineError(decision.declineCode, charge?.id ?? null, presented);
      break;
    default:
      break;
  }
  await notifyStatusChange(ctx, { intent: presented, previousStatus: previous, checkoutSession: row.checkoutSession, source: options.source });

  const outcome: ConfirmOutcome =
    next.status === 'requires_payment_method' ? 'declined' : (next.status as Exclude<ConfirmOutcome, 'declined'>);
  return error ? { outcome, intent: presented, error } : { outcome, intent: presented };
}
