import { AppError } from '../../lib/errors.js';
import { money } from '../../lib/money.js';
import { loadCharge, saveCharge, type Charge } from '../charges/charge.js';
import type { OpContext } from '../context.js';
import { processorFor } from '../processor/processor.js';
import { announcePayment } from './announce-payment.js';
import type { PaymentIntent, StoredPaymentIntent } from './payment-intent.js';
import { loadPaymentIntent, savePaymentIntent } from './payment-intent-store.js';
import { nextStatus } from './state-machine.js';

/**
 * Captures a held (manual-capture) payment, fully or partly: `amount` defaults to everything capturable; a smaller
 * amount captures that much and releases the rest, which can no longer be captured and shows in the charge's
 * `amount_refunded` (refunds remain bounded by what was captured). Events `charge.captured`, `charge.refunded`
 * when part was released (as a canceled authorization's release has it), and `payment_intent.succeeded`. `param` names the amount parameter the caller used in errors.
 */
export async function capturePaymentIntent(
  ctx: OpContext,
  id: string,
  input: { amount?: number | undefined; param?: string; statement_descriptor_suffix?: string | null | undefined },
): Promise<PaymentIntent> {
  const row = await loadPaymentIntent(ctx, id, { forUpdate: true });
  const intent = row.intent;
  const status = nextStatus(intent.status, 'capture');
  const amount = input.amount ?? intent.amount_capturable;
  if (amount > intent.amount_capturable) {
    throw new AppError(
      'amount_too_large',
      `The amount to capture (${amount}) is greater than the amount capturable on this PaymentIntent (${intent.amount_capturable}).`,
      { param: input.param ?? 'amount_to_capture' },
    );
  }
  if (!intent.latest_charge) throw new Error(`PaymentIntent ${id} is requires_capture without a charge`);
  const loaded = await loadCharge(ctx, intent.latest_charge, { forUpdate: true });
  if (!loaded.reference) throw new Error(`Charge ${loaded.charge.id} has no processor reference`);
  await processorFor(ctx.deps, ctx.actor.scope.livemode).capture({ reference: loaded.reference, amount, currency: intent.currency });

  // As Fluveo (and Stripe) show it: what a partial capture releases counts as refunded on the charge.
  const charge: Charge = { ...loaded.charge, amount_captured: amount, captured: true, amount_refunded: money.sub(loaded.charge.amount, amount) };
  await saveCharge(ctx, charge);
  const next: StoredPaymentIntent = { ...intent, status, amount_received: amount, amount_capturable: 0 };
  if (input.statement_descriptor_suffix !== undefined) next.statement_descriptor_suffix = input.statement_descriptor_suffix;
  await savePaymentIntent(ctx, next);
  return announcePayment(ctx, {
    charge,
    chargeEvent: 'charge.captured',
    released: charge.amount_refunded > 0,
    intent: next,
    intentEvent: 'payment_intent.succeeded',
    previousStatus: intent.status,
    checkoutSession: row.checkoutSession,
    source: 'api',
  });
}
