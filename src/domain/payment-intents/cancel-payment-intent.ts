import { AppError } from '../../lib/errors.js';
import { loadCharge, saveCharge, type Charge } from '../charges/charge.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { processorFor } from '../processor/processor.js';
import { notifyStatusChange, sessionGovernsIntent } from './listeners.js';
import type { PaymentIntent, StoredPaymentIntent } from './payment-intent.js';
import { loadPaymentIntent, presentPaymentIntent, savePaymentIntent } from './payment-intent-store.js';
import { nextStatus } from './state-machine.js';

/**
 * Cancels an intent from any non-terminal status except `processing` (event `payment_intent.canceled`). A held
 * authorization (`requires_capture`) is released, and its charge shows the amount refunded. An intent owned by an open Checkout Session is canceled by
 * expiring the session: directly it answers 400 `resource_in_use`, unless the session itself asks (`bySession`).
 * Once the session is complete, an authorization it left (manual capture) is canceled here like any other.
 */
export async function cancelPaymentIntent(
  ctx: OpContext,
  id: string,
  reason: string | null | undefined,
  options: { bySession?: boolean } = {},
): Promise<PaymentIntent> {
  const row = await loadPaymentIntent(ctx, id, { forUpdate: true });
  const intent = row.intent;
  if (row.checkoutSession !== null && !options.bySession && (await sessionGovernsIntent(ctx, row.checkoutSession))) {
    throw new AppError(
      'resource_in_use',
      `This PaymentIntent belongs to Checkout Session ${row.checkoutSession}: expire the session instead of canceling the PaymentIntent.`,
    );
  }
  const status = nextStatus(intent.status, 'cancel');
  // A held authorization is released: its charge shows the whole amount refunded (event `charge.refunded`).
  let released: Charge | undefined;
  if (intent.status === 'requires_capture' && intent.latest_charge) {
    const { charge, reference } = await loadCharge(ctx, intent.latest_charge, { forUpdate: true });
    if (reference) await processorFor(ctx.deps, ctx.actor.scope.livemode).release({ reference });
    released = { ...charge, amount_refunded: charge.amount, refunded: true };
    await saveCharge(ctx, released);
  }
  const next: StoredPaymentIntent = {
    ...intent,
    status,
    amount_capturable: 0,
    canceled_at: ctx.actor.now,
    cancellation_reason: reason ?? null,
    next_action: null,
  };
  await savePaymentIntent(ctx, next, { authenticatedPaymentMethod: null });
  const presented = await presentPaymentIntent(ctx, next);
  if (released) await recordEvent(ctx, 'charge.refunded', released, { paymentIntent: id });
  await recordEvent(ctx, 'payment_intent.canceled', presented, { paymentIntent: id });
  await notifyStatusChange(ctx, { intent: presented, previousStatus: intent.status, checkoutSession: row.checkoutSession, source: 'api' });
  return presented;
}
