import { updateObject } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { PAYMENT_METHODS_TABLE, type PaymentMethod } from './payment-method.js';
import { loadPaymentMethod } from './retrieve-payment-method.js';

/**
 * Detaches a payment method from its customer (event `payment_method.detached`). A detached payment method can no
 * longer be used or attached again, as with a card the customer removed.
 */
export async function detachPaymentMethod(ctx: OpContext, id: string): Promise<PaymentMethod> {
  const loaded = await loadPaymentMethod(ctx, id, { forUpdate: true });
  const pm = loaded.paymentMethod;
  if (loaded.isTestId || pm.customer === null) {
    throw new AppError('payment_method_unexpected_state', `The PaymentMethod '${id}' is not attached to a customer, so it cannot be detached.`, {
      param: 'id',
    });
  }
  const next: PaymentMethod = { ...pm, customer: null };
  await updateObject(ctx.db, PAYMENT_METHODS_TABLE, ctx.actor.scope, next, { customer: null, detached: 1 });
  await recordEvent(ctx, 'payment_method.detached', next);
  return next;
}
