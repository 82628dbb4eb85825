import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { paymentMethodFromInput, type PaymentMethodDataInput } from '../payment-intents/confirm-payment-intent.js';
import { usablePaymentMethod } from '../payment-methods/usable-payment-method.js';
import { processorFor } from '../processor/processor.js';
import { applyVerification, type SetupConfirmResult } from './setup-attempt.js';
import { loadSetupIntent, nextSetupStatus } from './setup-intent.js';
import { requireCustomer } from '../payment-methods/customer-reference.js';

export interface ConfirmSetupIntentInput {
  payment_method?: string | undefined;
  payment_method_data?: PaymentMethodDataInput | undefined;
  return_url?: string | undefined;
}

/**
 * Confirms a SetupIntent: the processor verifies the card without moving money. Success attaches the payment
 * method to the customer; 3-D Secure cards go to requires_action; declines are returned with the 402 to answer.
 */
export async function confirmSetupIntent(ctx: OpContext, id: string, input: ConfirmSetupIntentInput = {}): Promise<SetupConfirmResult> {
  const si = await loadSetupIntent(ctx, id, { forUpdate: true });
  nextSetupStatus(si.status, 'confirm_approved');
  // A customer deleted since the intent named it: 404 before the processor is asked, nothing written.
  await requireCustomer(ctx, si.customer);
  const processor = processorFor(ctx.deps, ctx.actor.scope.livemode);
  const given = await paymentMethodFromInput(ctx, input, si.customer);
  const usable =
    given ?? (si.payment_method ? await usablePaymentMethod(ctx, si.payment_method, { param: 'payment_method', customer: si.customer }) : undefined);
  if (!usable) {
    throw new AppError('parameter_missing', 'This SetupIntent has no payment method: pass payment_method or payment_method_data to confirm it.', {
      param: 'payment_method',
    });
  }
  const decision = await processor.verify({ token: usable.token, authenticated: false });
  return applyVerification(ctx, si, usable, decision, { phase: 'confirm', returnUrl: input.return_url ?? null });
}
