import { updateObject } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { loadOrder, ORDERS_TABLE, orderColumns, orderUnexpectedState, type Order } from './order.js';
import { settleReservations } from './reservations.js';

/**
 * Cancels an open order and releases its reservations (event `order.canceled`). A paid order's payment is not
 * refunded by this: refund its PaymentIntent. Completed and canceled orders → 400 `order_unexpected_state`.
 */
export async function cancelOrder(ctx: OpContext, id: string): Promise<Order> {
  const current = await loadOrder(ctx, id, { forUpdate: true });
  if (current.status !== 'open') throw orderUnexpectedState(current, 'cancel');
  const next: Order = { ...current, status: 'canceled' };
  await updateObject(ctx.db, ORDERS_TABLE, ctx.actor.scope, next, orderColumns(next));
  await settleReservations(ctx, id, 'released');
  await recordEvent(ctx, 'order.canceled', next);
  return next;
}
