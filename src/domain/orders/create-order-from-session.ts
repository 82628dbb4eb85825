import { newId } from '../../lib/ids.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import type { CheckoutSession, LineItem } from '../checkout-sessions/session.js';
import type { ShippingRate } from '../shipping-rates/shipping-rate.js';
import type { Address } from '../customers/customer.js';
import { insertOrder, orderTotals } from './create-order.js';
import type { Order, OrderAddress } from './order.js';

function withName(address: Address | null, name: string | null): OrderAddress | null {
  return address ? { name, ...address } : null;
}

/**
 * The order of a completed `mode: order` session: its lines, the buyer's shipping and billing addresses, the
 * chosen shipping rate and its cost; paid when the session's payment went through (or there was nothing to pay).
 * Its items are reserved. Events `order.created`, then `order.paid` (both show the paid order, written once).
 */
export async function createOrderFromSession(
  ctx: OpContext,
  session: CheckoutSession,
  lineItems: LineItem[],
  shippingRate: ShippingRate | undefined,
): Promise<Order> {
  const lines = lineItems.map((li) => ({
    id: newId('li'),
    title: li.description,
    quantity: li.quantity,
    unit_price: li.price.unit_amount ?? Math.round(li.amount_subtotal / li.quantity),
    amount: li.amount_subtotal,
    price: li.price.id,
    product: li.price.product,
  }));
  const shippingCost = session.shipping_cost?.amount_total ?? null;
  const totals = orderTotals(lines, shippingCost ?? 0, 'line_items');
  const order: Order = {
    id: newId('ord'),
    object: 'order',
    status: 'open',
    payment_status: 'paid',
    fulfillment_status: 'unfulfilled',
    currency: session.currency,
    line_items: lines,
    ...totals,
    amount_tax: session.total_details.amount_tax,
    amount_total: session.amount_total,
    customer: session.customer,
    checkout_session: session.id,
    payment_intent: session.payment_intent,
    shipping_address: withName(session.shipping_details?.address ?? null, session.shipping_details?.name ?? null),
    billing_address: withName(session.customer_details?.address ?? null, session.customer_details?.name ?? null),
    shipping_method: session.shipping_cost
      ? { shipping_rate: session.shipping_cost.shipping_rate, display_name: shippingRate?.display_name ?? null }
      : null,
    shipping_cost: shippingCost,
    metadata: { ...session.metadata },
    livemode: ctx.actor.scope.livemode,
    created: ctx.actor.now,
  };
  await insertOrder(ctx, order);
  await recordEvent(ctx, 'order.paid', order);
  return order;
}
