import { newId, randomBase62 } from '../../lib/ids.js';
import { initialMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { requireCustomer } from '../payment-methods/customer-reference.js';
import { checkApplicationFee, checkPaymentAmount } from './amount.js';
import { checkPixCreation, pixNextAction, pspFor } from './pix.js';
import { paymentMethodFromInput, type PaymentMethodDataInput } from './confirm-payment-intent.js';
import type { PaymentIntent, StoredPaymentIntent } from './payment-intent.js';
import { holdPaymentIntentUntilSaved, insertPaymentIntent, presentPaymentIntent } from './payment-intent-store.js';
import { PAYMENT_INTENT_INITIAL_STATUS } from './state-machine.js';

export interface CreatePaymentIntentInput {
  amount: number;
  currency: string;
  customer?: string | undefined;
  payment_method?: string | undefined;
  payment_method_data?: PaymentMethodDataInput | undefined;
  capture_method?: 'automatic' | 'automatic_async' | 'manual' | undefined;
  confirmation_method?: 'automatic' | 'manual' | undefined;
  description?: string | null | undefined;
  statement_descriptor?: string | null | undefined;
  statement_descriptor_suffix?: string | null | undefined;
  application_fee_amount?: number | undefined;
  metadata?: Metadata | '' | undefined;
  receipt_email?: string | null | undefined;
  setup_future_usage?: 'on_session' | 'off_session' | undefined;
  /** `['card']` when not given; `pix` (in brl) makes a PIX intent (pix.ts). */
  payment_method_types?: string[] | undefined;
}

export function newClientSecret(id: string): string {
  return `${id}_secret_${randomBase62(24)}`;
}

/**
 * Creates a PaymentIntent: `requires_confirmation` when a payment method is given, else `requires_payment_method`
 * (event `payment_intent.created`); a PIX intent starts in `requires_action` showing its QR code (event
 * `payment_intent.requires_action` too). Confirming at creation is the caller's next step (confirmPaymentIntent), in
 * the same transaction. `checkoutSession` marks the intent as owned by a Checkout Session: it can then only be
 * canceled by expiring the session.
 */
export async function createPaymentIntent(
  ctx: OpContext,
  input: CreatePaymentIntentInput,
  options: { checkoutSession?: string | undefined } = {},
): Promise<PaymentIntent> {
  return (await createStoredPaymentIntent(ctx, input, options)).presented;
}

/**
 * createPaymentIntent, also answering the intent as stored (for a confirmation in the same transaction).
 * `confirming`: the caller confirms it next, in this transaction, and then calls writeUnsavedPaymentIntent; the row
 * is written once, by the confirmation's save, rather than inserted here and updated there.
 */
export async function createStoredPaymentIntent(
  ctx: OpContext,
  input: CreatePaymentIntentInput,
  options: { checkoutSession?: string | undefined; confirming?: boolean; customerParam?: string } = {},
): Promise<{ stored: StoredPaymentIntent; presented: PaymentIntent }> {
  const amount = checkPaymentAmount(input.amount, input.currency, ctx.actor.scope.livemode);
  checkApplicationFee(input.application_fee_amount, amount, 'application_fee_amount');
  const types = input.payment_method_types ?? ['card'];
  const psp = pspFor(types, input.currency);
  if (psp === 'starkbank') checkPixCreation(input, options.confirming === true);
  const customer = input.customer ?? null;
  if (customer !== null) await requireCustomer(ctx, customer, options.customerParam);
  const usable = await paymentMethodFromInput(ctx, input, customer);
  const id = newId('pi');
  const intent: StoredPaymentIntent = {
    id,
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_received: 0,
    application_fee_amount: input.application_fee_amount ?? null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: input.capture_method ?? 'automatic',
    client_secret: newClientSecret(id),
    confirmation_method: input.confirmation_method ?? 'automatic',
    created: ctx.actor.now,
    currency: input.currency,
    customer,
    description: input.description ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: ctx.actor.scope.livemode,
    merchant_id: ctx.actor.merchant.id,
    metadata: initialMetadata(input.metadata),
    next_action: psp === 'starkbank' ? pixNextAction(id, amount, ctx.actor.merchant.name, ctx.actor.now) : null,
    payment_method: usable?.paymentMethod.id ?? null,
    payment_method_types: types,
    psp_provider: psp,
    receipt_email: input.receipt_email ?? null,
    setup_future_usage: input.setup_future_usage ?? null,
    statement_descriptor: input.statement_descriptor ?? null,
    statement_descriptor_suffix: input.statement_descriptor_suffix ?? null,
    status: PAYMENT_INTENT_INITIAL_STATUS[psp === 'starkbank' ? 'pix' : usable ? 'with_payment_method' : 'without_payment_method'],
  };
  if (options.confirming) holdPaymentIntentUntilSaved(ctx, intent, options.checkoutSession ?? null);
  else await insertPaymentIntent(ctx, intent, options.checkoutSession ?? null);
  const presented = await presentPaymentIntent(ctx, intent, []);
  await recordEvent(ctx, 'payment_intent.created', presented, { paymentIntent: id });
  if (intent.status === 'requires_action') await recordEvent(ctx, 'payment_intent.requires_action', presented, { paymentIntent: id });
  return { stored: intent, presented };
}
