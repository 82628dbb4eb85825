import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { openChallenge } from '../authentication/challenge.js';
import { recordEvent } from '../events/record-event.js';
import { attachLoaded } from '../payment-methods/attach-payment-method.js';
import type { UsablePaymentMethod } from '../payment-methods/payment-method.js';
import { DECLINE_MESSAGE, type VerificationDecision } from '../processor/processor.js';
import { nextSetupStatus, saveSetupIntent, type SetupIntent, type SetupIntentTrigger } from './setup-intent.js';

export type SetupOutcome = 'succeeded' | 'requires_action' | 'declined';

export interface SetupConfirmResult {
  outcome: SetupOutcome;
  intent: SetupIntent;
  error?: AppError;
}

export const SETUP_AUTHENTICATION_FAILURE = {
  code: 'setup_intent_authentication_failure',
  message: 'The latest attempt to set up the payment method has failed authentication. Provide a new payment method to try again.',
} as const;

/**
 * Applies the processor's verification to a SetupIntent being confirmed or authenticated: on success the payment
 * method is attached to the customer (a shared test id becomes a stored copy, whose id the intent then shows).
 */
export async function applyVerification(
  ctx: OpContext,
  si: SetupIntent,
  usable: UsablePaymentMethod,
  decision: VerificationDecision,
  options: { phase: 'confirm' | 'authentication'; returnUrl: string | null },
): Promise<SetupConfirmResult> {
  const trigger = (suffix: string) => `${options.phase}_${suffix}` as SetupIntentTrigger;
  const next: SetupIntent = { ...si, payment_method: usable.paymentMethod.id, next_action: null };
  let error: AppError | undefined;
  let event: string;
  if (decision.outcome === 'approved') {
    next.status = nextSetupStatus(si.status, trigger('approved'));
    next.payment_method = (await attachLoaded(ctx, usable, si.customer)).id;
    next.last_setup_error = null;
    event = 'setup_intent.succeeded';
  } else if (decision.outcome === 'requires_action' && options.phase === 'confirm') {
    next.status = nextSetupStatus(si.status, 'confirm_requires_action');
    const url = decision.redirectUrl ?? (await openChallenge(ctx, 'setup_intent', si.id));
    next.next_action = { type: 'redirect_to_url', redirect_to_url: { url, return_url: options.returnUrl } };
    event = 'setup_intent.requires_action';
  } else if (decision.outcome === 'declined') {
    next.status = nextSetupStatus(si.status, trigger('declined'));
    next.payment_method = null;
    next.last_setup_error = {
      type: 'payment_error',
      code: 'card_declined',
      decline_code: decision.declineCode,
      message: DECLINE_MESSAGE,
      payment_method: usable.paymentMethod.id,
    };
    event = 'setup_intent.setup_failed';
  } else {
    next.status = nextSetupStatus(si.status, 'authentication_failed');
    next.payment_method = null;
    next.last_setup_error = { type: 'payment_error', decline_code: null, payment_method: usable.paymentMethod.id, ...SETUP_AUTHENTICATION_FAILURE };
    event = 'setup_intent.setup_failed';
  }
  await saveSetupIntent(ctx, next);
  await recordEvent(ctx, event, next);
  if (decision.outcome === 'declined') {
    error = new AppError('card_declined', DECLINE_MESSAGE, {
      extra: { decline_code: decision.declineCode, setup_intent: next },
    });
  }
  const outcome: SetupOutcome = next.status === 'succeeded' ? 'succeeded' : next.status === 'requires_action' ? 'requires_action' : 'declined';
  return error ? { outcome, intent: next, error } : { outcome, intent: next };
}
