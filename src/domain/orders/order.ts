import { findObject } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import type { Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';

export const ORDERS_TABLE = 'orders';
export const ORDER_RESERVATIONS_TABLE = 'order_reservations';
export const MAX_ORDER_LINE_ITEMS = 100;

export type OrderStatus = 'open' | 'completed' | 'canceled';

export interface OrderLineItem {
  id: string;
  title: string;
  quantity: number;
  /** Minor units per unit (for a tiered price, the line amount spread over its units, rounded). */
  unit_price: number;
  amount: number;
  price: string | null;
  product: string | null;
}

/** A postal address with the recipient's name. */
export interface OrderAddress {
  name: string | null;
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
}

export interface ShippingMethod {
  shipping_rate: string | null;
  display_name: string | null;
}

export interface Order {
  id: string;
  object: 'order';
  status: OrderStatus;
  payment_status: 'unpaid' | 'paid';
  fulfillment_status: 'unfulfilled' | 'fulfilled';
  currency: string;
  line_items: OrderLineItem[];
  amount_subtotal: number;
  amount_shipping: number;
  amount_tax: number;
  amount_total: number;
  customer: string | null;
  checkout_session: string | null;
  payment_intent: string | null;
  shipping_address: OrderAddress | null;
  billing_address: OrderAddress | null;
  shipping_method: ShippingMethod | null;
  /** What shipping costs, in minor units (the same figure as amount_shipping); null when nothing ships. */
  shipping_cost: number | null;
  metadata: Metadata;
  livemode: boolean;
  created: number;
}

export function orderColumns(o: Order): Record<string, unknown> {
  return { status: o.status, customer: o.customer, checkout_session: o.checkout_session };
}

/** The caller's order, or 404. `forUpdate` locks the row on PostgreSQL for a state change. */
export async function loadOrder(ctx: OpContext, id: string, options: { forUpdate?: boolean } = {}): Promise<Order> {
  const found = await findObject<Order>(ctx.db, ORDERS_TABLE, ctx.actor.scope, id, { forUpdate: options.forUpdate ?? false });
  if (!found) throw new AppError('resource_missing', `No such order: '${id}'`, { param: 'id' });
  return found;
}

export function orderUnexpectedState(order: Order, action: string): AppError {
  return new AppError(
    'order_unexpected_state',
    `You cannot ${action} order ${order.id} because its status is ${order.status}; only open orders can be ${action === 'cancel' ? 'canceled' : 'completed'}.`,
  );
}
