import { updateObject } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { storePaymentMethod } from './create-payment-method.js';
import { requireCustomer } from './customer-reference.js';
import { PAYMENT_METHODS_TABLE, type PaymentMethod, type UsablePaymentMethod } from './payment-method.js';
import { loadPaymentMethod } from './retrieve-payment-method.js';
import { newId } from '../../lib/ids.js';

/**
 * Attaches a payment method to a customer (event `payment_method.attached`). A shared test id (`pm_card_visa`)
 * cannot belong to one customer, so attaching one creates a new stored PaymentMethod with the same card and
 * attaches that: the answer carries the new id. Attaching to the customer it already belongs to changes nothing.
 */
export async function attachPaymentMethod(
  ctx: OpContext,
  id: string,
  customerId: string,
  options: { param?: string; customerParam?: string } = {},
): Promise<PaymentMethod> {
  const loaded = await loadPaymentMethod(ctx, id, { param: options.param ?? 'payment_method', forUpdate: true });
  await requireCustomer(ctx, customerId, options.customerParam ?? 'customer');
  return attachLoaded(ctx, { paymentMethod: loaded.paymentMethod, token: loaded.token, isTestId: loaded.isTestId }, customerId, {
    detached: loaded.detached,
    param: options.param ?? 'payment_method',
  });
}

/**
 * Attaches an already-resolved payment method (SetupIntent success, `setup_future_usage`) to a customer its caller
 * has checked: the confirm and 3-D Secure paths of both intents refuse a deleted customer before the processor is
 * asked.
 */
export async function attachLoaded(
  ctx: OpContext,
  usable: UsablePaymentMethod,
  customerId: string,
  options: { detached?: boolean; param?: string } = {},
): Promise<PaymentMethod> {
  const pm = usable.paymentMethod;
  const param = options.param ?? 'payment_method';
  if (usable.isTestId) {
    const copy: PaymentMethod = { ...pm, id: newId('pm'), created: ctx.actor.now, customer: customerId };
    await storePaymentMethod(ctx, copy, usable.token);
    await recordEvent(ctx, 'payment_method.attached', copy);
    return copy;
  }
  if (options.detached) {
    throw new AppError('payment_method_unexpected_state', `The PaymentMethod '${pm.id}' was detached and cannot be attached again.`, {
      param,
    });
  }
  if (pm.customer === customerId) return pm;
  if (pm.customer !== null) {
    throw new AppError('payment_method_unexpected_state', `The PaymentMethod '${pm.id}' is already attached to another customer.`, {
      param,
    });
  }
  const next: PaymentMethod = { ...pm, customer: customerId };
  await updateObject(ctx.db, PAYMENT_METHODS_TABLE, ctx.actor.scope, next, { customer: customerId });
  await recordEvent(ctx, 'payment_method.attached', next);
  return next;
}
