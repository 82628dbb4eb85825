import type { OpContext } from '../context.js';
import { challengeUrlMatches } from '../authentication/challenge.js';
import { usablePaymentMethod } from '../payment-methods/usable-payment-method.js';
import { processorFor } from '../processor/processor.js';
import { requireCustomer } from '../payment-methods/customer-reference.js';
import { applyVerification } from './setup-attempt.js';
import { loadSetupIntent, type SetupIntent } from './setup-intent.js';

/**
 * The customer's answer on the authentication page for a SetupIntent: `complete` lets the processor finish the
 * verification (→ succeeded and attached, or a decline), `fail` returns to requires_payment_method.
 */
export async function completeSetupIntentAuthentication(
  ctx: OpContext,
  id: string,
  token: string,
  answer: 'complete' | 'fail',
): Promise<{ applied: boolean; intent: SetupIntent; returnUrl: string | null }> {
  const si = await loadSetupIntent(ctx, id, { forUpdate: true });
  const redirect = si.next_action?.redirect_to_url;
  const returnUrl = redirect?.return_url ?? null;
  if (si.status !== 'requires_action' || !challengeUrlMatches(redirect?.url, token) || si.payment_method === null) {
    return { applied: false, intent: si, returnUrl };
  }
  if (answer === 'complete') await requireCustomer(ctx, si.customer);
  const usable = await usablePaymentMethod(ctx, si.payment_method, { param: 'payment_method', customer: si.customer });
  const decision =
    answer === 'fail'
      ? ({ outcome: 'requires_action' } as const)
      : await processorFor(ctx.deps, ctx.actor.scope.livemode).verify({ token: usable.token, authenticated: true });
  const result = await applyVerification(ctx, si, usable, decision, { phase: 'authentication', returnUrl });
  return { applied: true, intent: result.intent, returnUrl };
}
