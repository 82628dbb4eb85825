import { AppError } from '../../lib/errors.js';
import type { Deps } from '../context.js';
import { testProcessor } from './test-processor.js';

/**
 * The seam between Railyard's payment objects and whoever moves the money. The domain asks a processor to
 * tokenize a card, authorize (and optionally capture) an amount, capture or release an authorization, refund, and
 * verify a card for later use; the processor answers with decisions. Test mode always uses the built-in test
 * processor; live mode uses the processor registered for the installation, and refuses to move money without one.
 *
 * Processors are called inside the request's transaction: a decision and the objects recording it commit
 * together. Operational failures (network, timeouts) are thrown and roll the request back.
 */

/** A card as the customer typed it. Lives only in memory for the duration of one call; never stored or logged. */
export interface RawCard {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc?: string | undefined;
}

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'unknown';
export type CardFunding = 'credit' | 'debit' | 'prepaid' | 'unknown';

/** What may be kept about a card. */
export interface CardFacts {
  brand: CardBrand;
  last4: string;
  exp_month: number;
  exp_year: number;
  funding: CardFunding;
  country: string | null;
}

/**
 * The `message` of every decline: of the 402 error and of the intent's `last_payment_error` (the Fluveo decline-codes
 * page shows it for an `insufficient_funds` decline). `decline_code` says why.
 */
export const DECLINE_MESSAGE = 'Your card was declined.';

/** The decline codes of the Fluveo docs, each with its description there: a failed Charge's `failure_message`. */
export const DECLINE_DESCRIPTIONS = {
  generic_decline: 'The card was declined for an unspecified reason.',
  insufficient_funds: 'The card has insufficient funds to complete the purchase.',
  lost_card: 'The card has been reported lost.',
  stolen_card: 'The card has been reported stolen.',
  expired_card: 'The card has expired.',
  incorrect_cvc: 'The CVC number is incorrect.',
  processing_error: 'An error occurred while processing the card.',
  do_not_honor: 'The card issuer declined the transaction.',
  /** An off-session payment the issuer wants authenticated: the customer is not there to do it. */
  authentication_required: 'The card issuer requires authentication for this transaction.',
} as const;

export type DeclineCode = keyof typeof DECLINE_DESCRIPTIONS;

/** What the buyer is told on the hosted page: the decline-codes page's suggested customer messages. */
export const DECLINE_CUSTOMER_MESSAGES: Record<DeclineCode, string> = {
  generic_decline: 'Your card was declined. Please try a different payment method.',
  insufficient_funds: 'Your card has insufficient funds. Please try a different card.',
  lost_card: 'Your card was declined. Please contact your card issuer.',
  stolen_card: 'Your card was declined. Please contact your card issuer.',
  expired_card: 'Your card has expired. Please update your card details.',
  incorrect_cvc: 'The CVC code is incorrect. Please check and try again.',
  processing_error: 'An error occurred processing your card. Please try again.',
  do_not_honor: 'Your card was declined. Please contact your card issuer.',
  authentication_required: 'Your card was declined. Please try a different payment method.',
};

/** The buyer's message for a decline code as stored (any string): the generic one for a code this list lacks. */
export function customerDeclineMessage(code: string | null | undefined): string {
  return code && Object.hasOwn(DECLINE_CUSTOMER_MESSAGES, code) ? DECLINE_CUSTOMER_MESSAGES[code as DeclineCode] : DECLINE_CUSTOMER_MESSAGES.generic_decline;
}

export interface Tokenized {
  /** Opaque to Railyard; handed back to the processor on every later call. Never a card number. */
  token: string;
  card: CardFacts;
}

export interface AuthorizationRequest {
  token: string;
  amount: number;
  currency: string;
  /** Capture at once (automatic capture) or only hold the amount (manual capture). */
  capture: boolean;
  /** The customer completed an authentication challenge (3-D Secure) for this attempt. */
  authenticated: boolean;
  /** A unique reference for this attempt (the processor's idempotency key). */
  attempt: string;
}

export type AuthorizationDecision =
  | { outcome: 'approved'; reference: string }
  | { outcome: 'declined'; declineCode: DeclineCode; reference: string | null }
  /** The issuer wants the customer to authenticate; `redirectUrl` when the processor hosts the challenge itself. */
  | { outcome: 'requires_action'; redirectUrl?: string | undefined }
  /** Accepted; the result arrives later (see settlePaymentIntent). */
  | { outcome: 'pending'; reference: string };

export type VerificationDecision =
  | { outcome: 'approved' }
  | { outcome: 'declined'; declineCode: DeclineCode }
  | { outcome: 'requires_action'; redirectUrl?: string | undefined };

export type RefundDecision = { outcome: 'succeeded'; reference: string } | { outcome: 'failed'; reason: string };

export interface PaymentProcessor {
  readonly name: string;
  tokenize(card: RawCard): Promise<Tokenized>;
  authorize(request: AuthorizationRequest): Promise<AuthorizationDecision>;
  /** Captures `amount` (≤ the authorized amount) of a held authorization; the rest is released. */
  capture(request: { reference: string; amount: number; currency: string }): Promise<void>;
  /** Releases a held authorization without capturing it. */
  release(request: { reference: string }): Promise<void>;
  refund(request: { reference: string; amount: number; currency: string; attempt: string }): Promise<RefundDecision>;
  /** Checks that a card can be charged later (SetupIntents): no money moves. */
  verify(request: { token: string; authenticated: boolean }): Promise<VerificationDecision>;
}

const liveProcessors = new WeakMap<Deps, PaymentProcessor>();

/** Plugs a live processor into an installation (its Deps). Test mode keeps using the test processor. */
export function setLiveProcessor(deps: Deps, processor: PaymentProcessor | undefined): void {
  if (processor) liveProcessors.set(deps, processor);
  else liveProcessors.delete(deps);
}

/** The processor for a mode; live mode without a configured processor is a clear 400. */
export function processorFor(deps: Deps, livemode: boolean): PaymentProcessor {
  if (!livemode) return testProcessor;
  const live = liveProcessors.get(deps);
  if (!live) {
    throw new AppError(
      'live_processor_unconfigured',
      'Live-mode payments need a payment processor, and none is configured on this Railyard installation. ' +
        'Use test-mode keys (sk_test_…) or configure a live processor.',
    );
  }
  return live;
}
