import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { updatePaymentIntentAmount } from '../payment-intents/update-payment-intent.js';
import type { CheckoutSession, LineItem } from './session.js';
import { shippingCostOf } from './shipping-options.js';
import { checkPayableTotal, computeTotals } from './totals.js';

/**
 * Puts a shipping option in effect (or none, with `undefined`) and recomputes the totals; the session's
 * PaymentIntent follows the new total. A session created without anything to pay has no PaymentIntent, so its
 * total must stay zero; one with a PaymentIntent must stay payable (at least the currency's minimum). Returns the
 * new session; the caller saves it.
 */
export async function applyShipping(
  ctx: OpContext,
  session: CheckoutSession,
  lineItems: LineItem[],
  rateId: string | undefined,
  param: string,
): Promise<CheckoutSession> {
  const option = rateId === undefined ? undefined : session.shipping_options.find((o) => o.shipping_rate === rateId);
  if (rateId !== undefined && !option) {
    throw new AppError('parameter_invalid', `The shipping rate '${rateId}' is not one of this session's shipping options.`, { param });
  }
  const shippingCost = shippingCostOf(option);
  const totals = computeTotals(lineItems, shippingCost, param);
  if (session.payment_intent === null && totals.amount_total !== 0) {
    throw new AppError('parameter_invalid', 'This session has nothing to pay (its total was zero when created), so only free shipping options can be chosen.', {
      param,
    });
  }
  if (session.payment_intent !== null) {
    if (totals.amount_total === 0) {
      throw new AppError('parameter_invalid', 'This shipping choice would bring the total to zero; choose a paid shipping option.', { param });
    }
    checkPayableTotal(totals.amount_total, session.currency, ctx.actor.scope.livemode, param);
  }
  const next: CheckoutSession = { ...session, ...totals, shipping_cost: shippingCost };
  if (session.payment_intent !== null && next.amount_total !== session.amount_total) {
    await updatePaymentIntentAmount(ctx, session.payment_intent, next.amount_total, param);
  }
  return next;
}
