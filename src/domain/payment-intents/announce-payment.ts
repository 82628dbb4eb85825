import type { Charge } from '../charges/charge.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { notifyStatusChange, type StatusChangeSource } from './listeners.js';
import type { PaymentIntent, StoredPaymentIntent } from './payment-intent.js';
import { presentPaymentIntent } from './payment-intent-store.js';

/**
 * The tail of a change that moved money on a saved intent (a capture, a processor's late answer, a PIX transfer):
 * the charge's event, then the intent's, both linked to the intent, then the status-change listeners (a Checkout
 * Session completing). Answers the intent as the API shows it.
 */
export async function announcePayment(
  ctx: OpContext,
  change: {
    charge: Charge;
    chargeEvent: string;
    /** The change also released part of the charge (a partial capture): `charge.refunded` follows its event. */
    released?: boolean;
    intent: StoredPaymentIntent;
    intentEvent: string;
    previousStatus: StoredPaymentIntent['status'];
    checkoutSession: string | null;
    source: StatusChangeSource;
  },
): Promise<PaymentIntent> {
  const presented = await presentPaymentIntent(ctx, change.intent);
  const link = { paymentIntent: change.intent.id };
  await recordEvent(ctx, change.chargeEvent, change.charge, link);
  if (change.released) await recordEvent(ctx, 'charge.refunded', change.charge, link);
  await recordEvent(ctx, change.intentEvent, presented, link);
  await notifyStatusChange(ctx, {
    intent: presented,
    previousStatus: change.previousStatus,
    checkoutSession: change.checkoutSession,
    source: change.source,
  });
  return presented;
}
