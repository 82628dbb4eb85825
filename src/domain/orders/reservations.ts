import { modeValue } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { ORDER_RESERVATIONS_TABLE, type Order } from './order.js';

export type ReservationStatus = 'reserved' | 'released' | 'consumed';

/**
 * Inventory reservations. Products carry no stock level in Railyard, so a reservation is the record that an order
 * holds `quantity` units of a product (and price): one row per order line, written with the order. Canceling the
 * order releases its rows (`released`); completing it consumes them (`consumed`). An inventory system reads the
 * `reserved` rows of a product to know how many units are spoken for.
 */
export async function reserveOrderItems(ctx: OpContext, order: Order): Promise<void> {
  if (order.line_items.length === 0) return;
  await ctx.db
    .insertInto(ORDER_RESERVATIONS_TABLE)
    .values(
      order.line_items.map((li) => ({
        merchant_id: ctx.actor.scope.merchantId,
        livemode: modeValue(ctx.actor.scope),
        order_id: order.id,
        line_item: li.id,
        product: li.product,
        price: li.price,
        quantity: li.quantity,
        status: 'reserved',
        created: ctx.actor.now,
        updated: ctx.actor.now,
      })),
    )
    .execute();
}

/** Moves an order's held reservations to `to` (released on cancel, consumed on completion). */
export async function settleReservations(ctx: OpContext, orderId: string, to: Exclude<ReservationStatus, 'reserved'>): Promise<void> {
  await ctx.db
    .updateTable(ORDER_RESERVATIONS_TABLE)
    .set({ status: to, updated: ctx.actor.now })
    .where('merchant_id', '=', ctx.actor.scope.merchantId)
    .where('livemode', '=', modeValue(ctx.actor.scope))
    .where('order_id', '=', orderId)
    .where('status', '=', 'reserved')
    .execute();
}

/** Units of a product held by open orders (for inventory views and tests). */
export async function reservedQuantity(ctx: OpContext, product: string): Promise<number> {
  const row = (await ctx.db
    .selectFrom(ORDER_RESERVATIONS_TABLE)
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('quantity'), eb.val(0)).as('total'))
    .where('merchant_id', '=', ctx.actor.scope.merchantId)
    .where('livemode', '=', modeValue(ctx.actor.scope))
    .where('product', '=', product)
    .where('status', '=', 'reserved')
    .executeTakeFirst()) as { total: number | string } | undefined;
  return Number(row?.total ?? 0);
}
