import { AppError } from '../../lib/errors.js';
import { mergeMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { requireCustomer } from '../payment-methods/customer-reference.js';
import { usablePaymentMethod } from '../payment-methods/usable-payment-method.js';
import { checkApplicationFee, checkPaymentAmount } from './amount.js';
import { notForPix } from './pix.js';
import { paymentMethodFromInput, type PaymentMethodDataInput } from './confirm-payment-intent.js';
import { notifyStatusChange } from './listeners.js';
import type { PaymentIntent, StoredPaymentIntent } from './payment-intent.js';
import { loadPaymentIntent, presentPaymentIntent, savePaymentIntent } from './payment-intent-store.js';
import { nextStatus, type PaymentIntentStatus } from './state-machine.js';

export interface UpdatePaymentIntentInput {
  amount?: number | undefined;
  currency?: string | undefined;
  customer?: string | null | undefined;
  capture_method?: 'automatic' | 'automatic_async' | 'manual' | undefined;
  setup_future_usage?: 'on_session' | 'off_session' | null | undefined;
  payment_method?: string | undefined;
  payment_method_data?: PaymentMethodDataInput | undefined;
  description?: string | null | undefined;
  metadata?: Metadata | '' | undefined;
  receipt_email?: string | null | undefined;
  statement_descriptor?: string | null | undefined;
  statement_descriptor_suffix?: string | null | undefined;
}

/**
 * Updates an intent. Descriptive fields (description, metadata, receipt_email, statement descriptors) change in
 * any status; amount, currency, customer, capture method and payment method only before the payment went through
 * (requires_payment_method, requires_confirmation, requires_action — the last returns to requires_confirmation).
 * A session-owned intent's amount and currency follow its Checkout Session and cannot be set directly.
 */
export async function updatePaymentIntent(ctx: OpContext, id: string, input: UpdatePaymentIntentInput): Promise<PaymentIntent> {
  const row = await loadPaymentIntent(ctx, id, { forUpdate: true });
  const intent = row.intent;
  const changesPaymentMethod = input.payment_method !== undefined || input.payment_method_data !== undefined;
  const changesDetails =
    input.amount !== undefined ||
    input.currency !== undefined ||
    input.customer !== undefined ||
    input.capture_method !== undefined ||
    input.setup_future_usage !== undefined;
  if (row.checkoutSession !== null && (input.amount !== undefined || input.currency !== undefined)) {
    throw new AppError(
      'resource_in_use',
      `This PaymentIntent belongs to Checkout Session ${row.checkoutSession}: its amount and currency follow the session.`,
      { param: input.amount !== undefined ? 'amount' : 'currency' },
    );
  }
  if (intent.psp_provider === 'starkbank' && (changesPaymentMethod || changesDetails)) {
    throw notForPix(intent.id, changesPaymentMethod ? (input.payment_method !== undefined ? 'payment_method' : 'payment_method_data') : 'amount');
  }
  let status: PaymentIntentStatus = nextStatus(intent.status, 'update_annotations');
  if (changesDetails) status = nextStatus(intent.status, 'update_payment_details');
  if (changesPaymentMethod) status = nextStatus(intent.status, 'attach_payment_method');

  const next: StoredPaymentIntent = { ...intent, status };
  if (input.amount !== undefined || input.currency !== undefined) {
    next.currency = input.currency ?? intent.currency;
    next.amount = checkPaymentAmount(input.amount ?? intent.amount, next.currency, ctx.actor.scope.livemode);
    checkApplicationFee(next.application_fee_amount, next.amount, 'amount');
  }
  if (input.customer !== undefined) {
    if (input.customer !== null) await requireCustomer(ctx, input.customer);
    next.customer = input.customer;
  }
  if (input.capture_method !== undefined) next.capture_method = input.capture_method;
  if (input.setup_future_usage !== undefined) next.setup_future_usage = input.setup_future_usage;
  if (changesPaymentMethod) {
    const usable = await paymentMethodFromInput(ctx, input, next.customer);
    next.payment_method = usable?.paymentMethod.id ?? null;
  } else if (input.customer !== undefined && next.payment_method !== null) {
    // The payment method already on the intent must suit the new customer.
    await usablePaymentMethod(ctx, next.payment_method, { param: 'customer', customer: next.customer });
  }
  if (input.description !== undefined) next.description = input.description;
  if (input.receipt_email !== undefined) next.receipt_email = input.receipt_email;
  if (input.statement_descriptor !== undefined) next.statement_descriptor = input.statement_descriptor;
  if (input.statement_descriptor_suffix !== undefined) next.statement_descriptor_suffix = input.statement_descriptor_suffix;
  next.metadata = mergeMetadata(intent.metadata, input.metadata);
  if (status !== 'requires_action') next.next_action = null;

  await savePaymentIntent(ctx, next, changesPaymentMethod || changesDetails ? { authenticatedPaymentMethod: null } : {});
  const presented = await presentPaymentIntent(ctx, next);
  await notifyStatusChange(ctx, { intent: presented, previousStatus: intent.status, checkoutSession: row.checkoutSession, source: 'api' });
  return presented;
}

/**
 * Sets the amount of an open intent (a Checkout Session's shipping choice changed its total). Same states as any
 * payment-detail update; the session ownership rule does not apply since the session is the caller.
 */
export async function updatePaymentIntentAmount(ctx: OpContext, id: string, amount: number, param: string): Promise<PaymentIntent> {
  const row = await loadPaymentIntent(ctx, id, { forUpdate: true });
  const intent = row.intent;
  const status = nextStatus(intent.status, 'update_payment_details');
  const next: StoredPaymentIntent = { ...intent, status, amount: checkPaymentAmount(amount, intent.currency, ctx.actor.scope.livemode) };
  checkApplicationFee(next.application_fee_amount, next.amount, param);
  if (status !== 'requires_action') next.next_action = null;
  await savePaymentIntent(ctx, next, { authenticatedPaymentMethod: null });
  const presented = await presentPaymentIntent(ctx, next);
  await notifyStatusChange(ctx, { intent: presented, previousStatus: intent.status, checkoutSession: row.checkoutSession, source: 'api' });
  return presented;
}
