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

/** Whether the Checkout Session that owns an intent still governs it; checkout answers (true until it does). */
export type SessionGovernsIntent = (ctx: OpContext, checkoutSession: string) => Promise<boolean>;

let governs: SessionGovernsIntent = () => Promise.resolve(true);

/**
 * Checkout tells payments, once per process, when a session's intent is its own business: while the session is
 * open, the intent is canceled by expiring the session. After it (a completed session holding an authorization),
 * the intent is the merchant's to capture or cancel like any other.
 */
export function decideSessionGovernance(check: SessionGovernsIntent): void {
  governs = check;
}

export function sessionGovernsIntent(ctx: OpContext, checkoutSession: string): Promise<boolean> {
  return governs(ctx, checkoutSession);
}
