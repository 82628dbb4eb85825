import { modeValue, updateObject } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { ORDERS_TABLE, orderColumns, type Order } from './order.js';

/**
 * A completed `mode: order` session's authorization was released (its PaymentIntent canceled before capture): the
 * money never came, so its order, while still open, is no longer paid (`payment_status: unpaid`, event
 * `order.updated`). The merchant may still complete it (paid by other means) or cancel it.
 */
export async function releaseSessionOrderPayment(ctx: OpContext, checkoutSession: string): Promise<void> {
  let q = ctx.db
    .selectFrom(ORDERS_TABLE)
    .select('data')
    .where('merchant_id', '=', ctx.actor.scope.merchantId)
    .where('livemode', '=', modeValue(ctx.actor.scope))
    .where('checkout_session', '=', checkoutSession)
    .where('status', '=', 'open');
  if (ctx.deps.store.engine === 'postgres') q = q.forUpdate();
  const rows = (await q.execute()) as { data: string }[];
  for (const row of rows) {
    const order = JSON.parse(row.data) as Order;
    if (order.payment_status !== 'paid') continue;
    const next: Order = { ...order, payment_status: 'unpaid' };
    await updateObject(ctx.db, ORDERS_TABLE, ctx.actor.scope, next, orderColumns(next));
    await recordEvent(ctx, 'order.updated', next);
  }
}
