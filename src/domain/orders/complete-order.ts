import { updateObject } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { loadOrder, ORDERS_TABLE, orderColumns, orderUnexpectedState, type Order } from './order.js';
import { settleReservations } from './reservations.js';

/**
 * Completes an open order: `status: completed`, `payment_status: paid`; its reservations are consumed. Events
 * `order.paid` (when it was unpaid) and `order.completed`. Completed and canceled orders → 400.
 */
export async function completeOrder(ctx: OpContext, id: string): Promise<Order> {
  const current = await loadOrder(ctx, id, { forUpdate: true });
  if (current.status !== 'open') throw orderUnexpectedState(current, 'complete');
  const next: Order = { ...current, status: 'completed', payment_status: 'paid' };
  await updateObject(ctx.db, ORDERS_TABLE, ctx.actor.scope, next, orderColumns(next));
  await settleReservations(ctx, id, 'consumed');
  if (current.payment_status === 'unpaid') await recordEvent(ctx, 'order.paid', next);
  await recordEvent(ctx, 'order.completed', next);
  return next;
}
