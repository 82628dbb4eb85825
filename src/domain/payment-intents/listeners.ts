import type { OpContext } from '../context.js';
import type { PaymentIntent } from './payment-intent.js';
import type { PaymentIntentStatus } from './state-machine.js';

/** Where a status change came from: an API call, the customer on the authentication page, or the processor. */
export type StatusChangeSource = 'api' | 'authentication' | 'processor';

export interface PaymentIntentStatusChange {
  intent: PaymentIntent;
  previousStatus: PaymentIntentStatus;
  /** The Checkout Session that owns the intent, if any. */
  checkoutSession: string | null;
  source: StatusChangeSource;
}

export type PaymentIntentListener = (ctx: OpContext, change: PaymentIntentStatusChange) => Promise<void>;

const listeners: PaymentIntentListener[] = [];

/**
 * Subscribes to every status change of every PaymentIntent. Listeners run inside the transaction that made the
 * change (their writes commit or roll back with it). Checkout uses this to complete a session when its intent
 * succeeds on the authentication page, where no checkout code is on the call path.
 */
export function onPaymentIntentStatusChange(listener: PaymentIntentListener): () => void {
  listeners.push(listener);
  return () => {
    const i = listeners.indexOf(listener);
    if (i >= 0) listeners.splice(i, 1);
  };
}

export async function notifyStatusChange(ctx: OpContext, change: PaymentIntentStatusChange): Promise<void> {
  if (change.intent.status === change.previousStatus) return;
  for (const listener of listeners) await listener(ctx, change);
}
