import { setTimeout as sleep } from 'node:timers/promises';
import { completeCheckoutSession, type CompletionResult } from '../domain/checkout-sessions/complete-checkout-session.js';
import { fingerprint } from '../http/idempotency.js';
import type { Runtime } from '../http/runtime.js';
import type { Config } from '../config.js';
import { customerDeclineMessage } from '../domain/processor/processor.js';
import { AppError } from '../lib/errors.js';
import type { PagePayment } from './checkout-form.js';
import { merchantContext, type FoundSession } from './load-session.js';
import { keyedDigest } from './security.js';

/** What a payment attempt from a page led to. Stored with the form's idempotency key and replayed for duplicates. */
export type PayOutcome =
  | { kind: 'complete' }
  | { kind: 'requires_action'; url: string }
  | { kind: 'processing' }
  | { kind: 'declined'; message: string; declineCode: string | null };

/** How long a duplicate submission waits for the first one to finish before giving up (double clicks, reloads). */
const IN_FLIGHT_WAIT_MS = 15_000;
const IN_FLIGHT_POLL_MS = 200;

function completionInput(p: PagePayment, returnUrl: string) {
  return {
    email: p.email,
    ...(p.name !== null ? { name: p.name } : {}),
    ...(p.phone !== null ? { phone: p.phone } : {}),
    ...(p.billingAddress ? { billing_address: p.billingAddress } : {}),
    ...(p.shippingAddress ? { shipping_address: p.shippingAddress } : {}),
    ...(p.shippingRate !== null ? { shipping_rate: p.shippingRate } : {}),
    ...(p.payment.kind === 'payment_method' ? { payment_method: p.payment.id } : {}),
    ...(p.payment.kind === 'card' ? { payment_method_data: { type: 'card' as const, card: { ...p.payment.card } } } : {}),
    return_url: returnUrl,
  };
}

/**
 * The idempotency fingerprint of a page payment: the buyer's details and method, with the card number replaced by
 * a keyed digest (the fingerprint is stored; a card number never is, not even hashed without a key).
 */
function paymentFingerprint(config: Config, sessionId: string, p: PagePayment): string {
  const { payment, ...details } = p;
  const method =
    payment.kind === 'card'
      ? { card: keyedDigest(config, `${payment.card.number}|${payment.card.cvc}`), exp_month: payment.card.exp_month, exp_year: payment.card.exp_year }
      : payment;
  return fingerprint('POST', `/c/${sessionId}`, { ...details, method });
}

/**
 * Attempts the payment of a session from its page, at most once per rendered form: `nonce` (the form's hidden
 * per-render key) is the idempotency key, so a double click, a reload or a replayed post answers with the first
 * attempt's outcome and pays nothing twice. The completion, its objects, its events and the stored outcome commit
 * in one transaction. A decline is an outcome (stored); a refusal (a session no longer open, a bad parameter) is
 * thrown as an AppError and stores nothing, so the same form can be corrected and sent again.
 */
export async function attemptPayment(runtime: Runtime, found: FoundSession, nonce: string, payment: PagePayment, returnUrl: string): Promise<PayOutcome> {
  const { deps } = runtime;
  const { scope } = found.ctx.actor;
  const sessionId = found.row.session.id;
  const key = `checkout_page:${sessionId}:${nonce}`;
  const print = paymentFingerprint(deps.config, sessionId, payment);
  const input = completionInput(payment, returnUrl);

  const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
  for (;;) {
    try {
      const execution = await runtime.idempotency.run(scope, key, print, found.ctx.actor.now, async (tx) => {
        const ctx = await merchantContext(deps, tx, scope.merchantId, scope.livemode);
        if (!ctx) throw new AppError('resource_missing', 'This checkout no longer exists.');
        const outcome = toOutcome(await completeCheckoutSession(ctx, sessionId, input));
        return { status: outcome.kind === 'declined' ? 402 : 200, body: JSON.stringify(outcome) };
      });
      return JSON.parse(execution.response.body) as PayOutcome;
    } catch (err) {
      if (err instanceof AppError && err.code === 'idempotency_key_in_use' && Date.now() < deadline) {
        await sleep(IN_FLIGHT_POLL_MS);
        continue;
      }
      throw err;
    }
  }
}

function declineOutcome(e: AppError): PayOutcome {
  const code = e.extra?.decline_code;
  const declineCode = typeof code === 'string' ? code : null;
  // The buyer reads the message the decline-codes page suggests for the reason, not the API's generic one.
  return { kind: 'declined', message: customerDeclineMessage(declineCode), declineCode };
}

function toOutcome(result: CompletionResult): PayOutcome {
  switch (result.outcome) {
    case 'complete':
      return { kind: 'complete' };
    case 'requires_action':
      return { kind: 'requires_action', url: result.nextAction.redirect_to_url.url };
    case 'processing':
      return { kind: 'processing' };
    case 'declined':
      return declineOutcome(result.error);
  }
}
