import { findObject, insertObject, updateObject } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import type { Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import type { RedirectNextAction } from '../payment-intents/payment-intent.js';

export const SETUP_INTENTS_TABLE = 'setup_intents';

export const SETUP_INTENT_STATUSES = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'canceled',
  'succeeded',
] as const;
export type SetupIntentStatus = (typeof SETUP_INTENT_STATUSES)[number];

export interface LastSetupError {
  type: 'payment_error';
  code: string;
  decline_code: string | null;
  message: string;
  payment_method: string | null;
}

export interface SetupIntent {
  id: string;
  object: 'setup_intent';
  cancellation_reason: string | null;
  client_secret: string;
  created: number;
  /** Fluveo's SetupIntents take a `currency` (three-letter, lowercase); null when none was given. */
  currency: string | null;
  customer: string;
  description: string | null;
  last_setup_error: LastSetupError | null;
  livemode: boolean;
  metadata: Metadata;
  next_action: RedirectNextAction | null;
  payment_method: string | null;
  payment_method_types: string[];
  status: SetupIntentStatus;
  usage: 'on_session' | 'off_session';
}

/**
 * The SetupIntent state machine. `processing` is part of the documented status set but the built-in test
 * processor verifies cards synchronously, so no transition leads there.
 */
export const SETUP_INTENT_TRANSITIONS = {
  attach_payment_method: {
    requires_payment_method: 'requires_confirmation',
    requires_confirmation: 'requires_confirmation',
    requires_action: 'requires_confirmation',
  },
  update: {
    requires_payment_method: 'requires_payment_method',
    requires_confirmation: 'requires_confirmation',
    requires_action: 'requires_action',
    processing: 'processing',
    succeeded: 'succeeded',
    canceled: 'canceled',
  },
  confirm_approved: { requires_payment_method: 'succeeded', requires_confirmation: 'succeeded', requires_action: 'succeeded' },
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
  authentication_approved: { requires_action: 'succeeded' },
  authentication_declined: { requires_action: 'requires_payment_method' },
  authentication_failed: { requires_action: 'requires_payment_method' },
  cancel: { requires_payment_method: 'canceled', requires_confirmation: 'canceled', requires_action: 'canceled' },
} as const satisfies Record<string, Partial<Record<SetupIntentStatus, SetupIntentStatus>>>;

export type SetupIntentTrigger = keyof typeof SETUP_INTENT_TRANSITIONS;

export function nextSetupStatus(status: SetupIntentStatus, trigger: SetupIntentTrigger): SetupIntentStatus {
  const table: Partial<Record<SetupIntentStatus, SetupIntentStatus>> = SETUP_INTENT_TRANSITIONS[trigger];
  const next = table[status];
  if (next === undefined) {
    const verb = trigger.startsWith('confirm')
      ? 'confirm'
      : trigger.startsWith('authentication')
        ? 'complete the authentication of'
        : trigger === 'attach_payment_method'
          ? 'set a payment method on'
          : trigger;
    throw new AppError(
      'setup_intent_unexpected_state',
      `You cannot ${verb} this SetupIntent because it has a status of ${status}. ` +
        `Allowed statuses: ${Object.keys(table).join(', ')}.`,
    );
  }
  return next;
}

export async function loadSetupIntent(ctx: OpContext, id: string, options: { forUpdate?: boolean } = {}): Promise<SetupIntent> {
  const found = await findObject<SetupIntent>(ctx.db, SETUP_INTENTS_TABLE, ctx.actor.scope, id, {
    forUpdate: options.forUpdate ?? false,
  });
  if (!found) throw new AppError('resource_missing', `No such setup_intent: '${id}'`, { param: 'id' });
  return withCurrency(found);
}

/** A SetupIntent stored before it had a `currency` reads as one without a currency. */
export function withCurrency(si: SetupIntent): SetupIntent {
  return si.currency === undefined ? { ...si, currency: null } : si;
}

export async function insertSetupIntent(ctx: OpContext, si: SetupIntent): Promise<void> {
  await insertObject(ctx.db, SETUP_INTENTS_TABLE, ctx.actor.scope, si, { customer: si.customer, status: si.status });
}

export async function saveSetupIntent(ctx: OpContext, si: SetupIntent): Promise<void> {
  await updateObject(ctx.db, SETUP_INTENTS_TABLE, ctx.actor.scope, si, { customer: si.customer, status: si.status });
}
