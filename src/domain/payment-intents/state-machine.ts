import { AppError } from '../../lib/errors.js';

export const PAYMENT_INTENT_STATUSES = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'requires_capture',
  'succeeded',
  'canceled',
] as const;

export type PaymentIntentStatus = (typeof PAYMENT_INTENT_STATUSES)[number];

/** Where a new PaymentIntent starts. */
export const PAYMENT_INTENT_INITIAL_STATUS = {
  without_payment_method: 'requires_payment_method',
  with_payment_method: 'requires_confirmation',
  /** PIX: the QR code is the next action from the start; the customer's bank transfer settles it. */
  pix: 'requires_action',
} as const satisfies Record<string, PaymentIntentStatus>;

/**
 * Everything that can happen to a PaymentIntent, and the status it leads to from each status where it is allowed.
 * A trigger absent for the current status is illegal: 400 `payment_intent_unexpected_state` naming the status.
 * Statuses that appear nowhere as a source (`succeeded` except for refunds, `canceled`) are terminal.
 *
 * Confirmation and authentication are split by the processor's answer, so each row is one edge of the diagram.
 */
export const PAYMENT_INTENT_TRANSITIONS = {
  /** A payment method is set (create with one, update, confirm with a new one); `requires_action` is abandoned. */
  attach_payment_method: {
    requires_payment_method: 'requires_confirmation',
    requires_confirmation: 'requires_confirmation',
    requires_action: 'requires_confirmation',
  },
  /** Amount, currency, customer or capture method change: only before the payment went through. */
  update_payment_details: {
    requires_payment_method: 'requires_payment_method',
    requires_confirmation: 'requires_confirmation',
    requires_action: 'requires_confirmation',
  },
  /** Description, metadata, receipt email and statement descriptor can change at any time. */
  update_annotations: {
    requires_payment_method: 'requires_payment_method',
    requires_confirmation: 'requires_confirmation',
    requires_action: 'requires_action',
    processing: 'processing',
    requires_capture: 'requires_capture',
    succeeded: 'succeeded',
    canceled: 'canceled',
  },
  confirm_approved: { requires_payment_method: 'succeeded', requires_confirmation: 'succeeded', requires_action: 'succeeded' },
  confirm_authorized: {
    requires_payment_method: 'requires_capture',
    requires_confirmation: 'requires_capture',
    requires_action: 'requires_capture',
  },
  confirm_requires_action: {
    requires_payment_method: 'requires_action',
    requires_confirmation: 'requires_action',
    requires_action: 'requires_action',
  },
  confirm_declined: {
    requires_payment_method: 'requires_payment_method',
    requires_confirmation: 'requires_payment_method',
    requires_action: 'requires_payment_method',
  },
  confirm_pending: { requires_payment_method: 'processing', requires_confirmation: 'processing', requires_action: 'processing' },
  /** The customer completed the challenge; the processor then decides as on confirmation. */
  authentication_approved: { requires_action: 'succeeded' },
  authentication_authorized: { requires_action: 'requires_capture' },
  authentication_declined: { requires_action: 'requires_payment_method' },
  authentication_pending: { requires_action: 'processing' },
  /** Manual confirmation: after the challenge the server confirms again. */
  authentication_awaiting_confirmation: { requires_action: 'requires_confirmation' },
  authentication_failed: { requires_action: 'requires_payment_method' },
  /** The processor's late answer to a `processing` intent. */
  settle_approved: { processing: 'succeeded' },
  settle_authorized: { processing: 'requires_capture' },
  settle_declined: { processing: 'requires_payment_method' },
  /** PIX: the PSP reports the customer's bank transfer to the intent's QR code. */
  pix_paid: { requires_action: 'succeeded' },
  capture: { requires_capture: 'succeeded' },
  cancel: {
    requires_payment_method: 'canceled',
    requires_confirmation: 'canceled',
    requires_action: 'canceled',
    requires_capture: 'canceled',
  },
  /** Refunds leave the intent `succeeded`; only captured money can be refunded. */
  refund: { succeeded: 'succeeded' },
} as const satisfies Record<string, Partial<Record<PaymentIntentStatus, PaymentIntentStatus>>>;

export type PaymentIntentTrigger = keyof typeof PAYMENT_INTENT_TRANSITIONS;

const CONFIRM = ['confirm', 'confirmed'] as const;
const AUTHENTICATE = ['complete the authentication of', 'authenticated'] as const;
const SETTLE = ['settle', 'settled'] as const;

/** How the error message names each trigger: "You cannot <verb> …", "… may be <participle>". */
const VERBS: Record<PaymentIntentTrigger, readonly [string, string]> = {
  attach_payment_method: ['set a payment method on', 'given a payment method'],
  update_payment_details: ['change the amount or payment details of', 'changed'],
  update_annotations: ['update', 'updated'],
  confirm_approved: CONFIRM,
  confirm_authorized: CONFIRM,
  confirm_requires_action: CONFIRM,
  confirm_declined: CONFIRM,
  confirm_pending: CONFIRM,
  authentication_approved: AUTHENTICATE,
  authentication_authorized: AUTHENTICATE,
  authentication_declined: AUTHENTICATE,
  authentication_pending: AUTHENTICATE,
  authentication_awaiting_confirmation: AUTHENTICATE,
  authentication_failed: AUTHENTICATE,
  settle_approved: SETTLE,
  settle_authorized: SETTLE,
  settle_declined: SETTLE,
  pix_paid: ['settle a PIX payment for', 'paid by PIX'],
  capture: ['capture', 'captured'],
  cancel: ['cancel', 'canceled'],
  refund: ['refund', 'refunded'],
};

export function allowedFrom(trigger: PaymentIntentTrigger): PaymentIntentStatus[] {
  return Object.keys(PAYMENT_INTENT_TRANSITIONS[trigger]) as PaymentIntentStatus[];
}

export function canTransition(status: PaymentIntentStatus, trigger: PaymentIntentTrigger): boolean {
  return Object.hasOwn(PAYMENT_INTENT_TRANSITIONS[trigger], status);
}

/** The status after `trigger`, or the documented 400 naming the current status and the allowed ones. */
export function nextStatus(status: PaymentIntentStatus, trigger: PaymentIntentTrigger): PaymentIntentStatus {
  const table: Partial<Record<PaymentIntentStatus, PaymentIntentStatus>> = PAYMENT_INTENT_TRANSITIONS[trigger];
  const next = table[status];
  if (next === undefined) throw unexpectedState(status, trigger);
  return next;
}

export function unexpectedState(status: PaymentIntentStatus, trigger: PaymentIntentTrigger, param: string | null = null): AppError {
  const allowed = allowedFrom(trigger);
  const hint = trigger === 'refund' && status === 'requires_capture' ? ' Cancel it to release the uncaptured amount instead.' : '';
  return new AppError(
    'payment_intent_unexpected_state',
    `You cannot ${VERBS[trigger][0]} this PaymentIntent because it has a status of ${status}. ` +
      `Only a PaymentIntent with one of the following statuses may be ${VERBS[trigger][1]}: ${allowed.join(', ')}.${hint}`,
    { param },
  );
}
