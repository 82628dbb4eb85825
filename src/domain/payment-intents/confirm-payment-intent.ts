import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Metadata } from '../../lib/metadata.js';
import { notForPix } from './pix.js';
import type { OpContext } from '../context.js';
import { createCardPaymentMethod, type BillingDetailsInput } from '../payment-methods/create-payment-method.js';
import { requireCustomer } from '../payment-methods/customer-reference.js';
import type { UsablePaymentMethod } from '../payment-methods/payment-method.js';
import { usablePaymentMethod } from '../payment-methods/usable-payment-method.js';
import { processorFor, type AuthorizationDecision, type RawCard } from '../processor/processor.js';
import type { StatusChangeSource } from './listeners.js';
import { applyAuthorization, type ConfirmResult } from './payment-attempt.js';
import type { PaymentIntentRow, StoredPaymentIntent } from './payment-intent.js';
import { loadPaymentIntent } from './payment-intent-store.js';
import { canTransition, unexpectedState } from './state-machine.js';

export interface PaymentMethodDataInput {
  type: 'card';
  card: RawCard;
  billing_details?: BillingDetailsInput | undefined;
  metadata?: Metadata | '' | undefined;
}

export interface ConfirmPaymentIntentInput {
  payment_method?: string | undefined;
  payment_method_data?: PaymentMethodDataInput | undefined;
  return_url?: string | undefined;
  receipt_email?: string | undefined;
  setup_future_usage?: 'on_session' | 'off_session' | undefined;
  /** The customer is not present: a payment that would need their authentication is declined instead. */
  off_session?: boolean | undefined;
}

/**
 * The payment method a call names: `payment_method_data` creates one (stored, card number never kept),
 * `payment_method` names one; both at once is a 400.
 */
export async function paymentMethodFromInput(
  ctx: OpContext,
  input: { payment_method?: string | undefined; payment_method_data?: PaymentMethodDataInput | undefined },
  customer: string | null,
): Promise<UsablePaymentMethod | undefined> {
  if (input.payment_method !== undefined && input.payment_method_data !== undefined) {
    throw new AppError('parameter_invalid', 'Pass either payment_method or payment_method_data, not both.', {
      param: 'payment_method_data',
    });
  }
  if (input.payment_method_data !== undefined) {
    const data = input.payment_method_data;
    return createCardPaymentMethod(ctx, { card: data.card, billing_details: data.billing_details, metadata: data.metadata }, {
      param: 'payment_method_data[card]',
    });
  }
  if (input.payment_method !== undefined) return usablePaymentMethod(ctx, input.payment_method, { param: 'payment_method', customer });
  return undefined;
}

/**
 * Confirms an intent: the customer's payment method is sent to the mode's processor, whose answer moves the intent
 * per the state machine. Declines are returned (`outcome: 'declined'` with the 402 to answer), not thrown, because
 * the failed attempt is recorded and committed. Allowed from requires_payment_method, requires_confirmation and
 * requires_action (a pending authentication is abandoned).
 */
export async function confirmPaymentIntent(
  ctx: OpContext,
  id: string,
  input: ConfirmPaymentIntentInput = {},
  options: { source?: StatusChangeSource; created?: StoredPaymentIntent } = {},
): Promise<ConfirmResult> {
  // An intent created earlier in this transaction is not visible to anyone else yet: no need to read and lock it.
  const row: PaymentIntentRow =
    options.created?.id === id
      ? { intent: options.created, checkoutSession: null, authenticatedPaymentMethod: null }
      : await loadPaymentIntent(ctx, id, { forUpdate: true });
  const intent = row.intent;
  if (!canTransition(intent.status, 'confirm_approved')) throw unexpectedState(intent.status, 'confirm_approved');
  if (intent.psp_provider === 'starkbank') throw notForPix(intent.id, null);
  // A customer deleted since the intent named it: 404 before the processor is asked (an intent created in this
  // transaction had its customer checked a moment ago).
  if (intent.customer !== null && options.created?.id !== id) await requireCustomer(ctx, intent.customer);
  const processor = processorFor(ctx.deps, ctx.actor.scope.livemode);

  const given = await paymentMethodFromInput(ctx, input, intent.customer);
  const usable = given ?? (intent.payment_method ? await usablePaymentMethod(ctx, intent.payment_method, { param: 'payment_method', customer: intent.customer }) : undefined);
  if (!usable) {
    throw new AppError('parameter_missing', 'This PaymentIntent has no payment method: pass payment_method or payment_method_data to confirm it.', {
      param: 'payment_method',
    });
  }

  const updated: StoredPaymentIntent = {
    ...intent,
    receipt_email: input.receipt_email ?? intent.receipt_email,
    setup_future_usage: input.setup_future_usage ?? intent.setup_future_usage,
  };
  const authenticated = row.authenticatedPaymentMethod !== null && row.authenticatedPaymentMethod === usable.paymentMethod.id;
  const asked = await processor.authorize({
    token: usable.token,
    amount: updated.amount,
    currency: updated.currency,
    capture: updated.capture_method !== 'manual',
    authenticated,
    attempt: newId('attempt'),
  });
  // Off session nobody can answer an authentication challenge: the attempt fails as `authentication_required`.
  const decision: AuthorizationDecision =
    input.off_session === true && asked.outcome === 'requires_action'
      ? { outcome: 'declined', declineCode: 'authentication_required', reference: null }
      : asked;
  return applyAuthorization(ctx, { ...row, intent: updated }, usable, decision, {
    phase: 'confirm',
    authenticated,
    returnUrl: input.return_url ?? null,
    source: options.source ?? 'api',
  });
}
