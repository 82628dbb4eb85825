import { loadCharge, saveCharge, type Charge } from '../charges/charge.js';
import type { OpContext } from '../context.js';
import { DECLINE_DESCRIPTIONS, DECLINE_MESSAGE, type DeclineCode } from '../processor/processor.js';
import { announcePayment } from './announce-payment.js';
import type { PaymentIntent, StoredPaymentIntent } from './payment-intent.js';
import { loadPaymentIntent, savePaymentIntent } from './payment-intent-store.js';
import { nextStatus } from './state-machine.js';

export type Settlement = { outcome: 'approved' } | { outcome: 'declined'; declineCode: DeclineCode };

/**
 * A processor's late answer for an intent it left `processing` (asynchronous processors; the built-in test
 * processor always answers at once). Completes the pending charge and moves the intent like a confirmation would.
 */
export async function settlePaymentIntent(ctx: OpContext, id: string, settlement: Settlement): Promise<PaymentIntent> {
  const row = await loadPaymentIntent(ctx, id, { forUpdate: true });
  const intent = row.intent;
  const manual = intent.capture_method === 'manual';
  const status = nextStatus(
    intent.status,
    settlement.outcome === 'declined' ? 'settle_declined' : manual ? 'settle_authorized' : 'settle_approved',
  );
  if (!intent.latest_charge) throw new Error(`PaymentIntent ${id} is processing without a charge`);
  const loaded = await loadCharge(ctx, intent.latest_charge, { forUpdate: true });
  let charge: Charge;
  const next: StoredPaymentIntent = { ...intent, status };
  if (settlement.outcome === 'approved') {
    charge = { ...loaded.charge, status: 'succeeded', paid: true, captured: !manual, amount_captured: manual ? 0 : loaded.charge.amount };
    next.amount_received = manual ? 0 : intent.amount;
    next.amount_capturable = manual ? intent.amount : 0;
  } else {
    const code = settlement.declineCode;
    charge = {
      ...loaded.charge,
      status: 'failed',
      paid: false,
      failure_code: 'card_declined',
      failure_message: DECLINE_DESCRIPTIONS[code],
      outcome: {
        network_status: 'declined_by_network',
        reason: code,
        risk_level: 'normal',
        seller_message: 'The bank did not return any further details with this decline.',
        type: 'issuer_declined',
      },
    };
    next.payment_method = null;
    next.last_payment_error = {
      type: 'payment_error',
      code: 'card_declined',
      decline_code: code,
      message: DECLINE_MESSAGE,
      charge: charge.id,
      payment_method: intent.payment_method,
    };
  }
  await saveCharge(ctx, charge);
  await savePaymentIntent(ctx, next);
  const piEvent =
    status === 'succeeded' ? 'succeeded' : status === 'requires_capture' ? 'amount_capturable_updated' : 'payment_failed';
  return announcePayment(ctx, {
    charge,
    chargeEvent: `charge.${charge.status}`,
    intent: next,
    intentEvent: `payment_intent.${piEvent}`,
    previousStatus: intent.status,
    checkoutSession: row.checkoutSession,
    source: 'processor',
  });
}
