import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { initialMetadata, type Metadata } from '../../lib/metadata.js';
import { money, MoneyOverflowError } from '../../lib/money.js';
import { MAX_AMOUNT } from '../../lib/currencies.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { requireCustomer } from '../payment-methods/customer-reference.js';
import { loadPrice } from '../prices/load-price.js';
import { loadProduct } from '../products/load-product.js';
import { loadShippingRate } from '../shipping-rates/load-shipping-rate.js';
import { lineAmount } from '../checkout-sessions/line-amount.js';
import { insertObject } from '../../db/objects.js';
import { MAX_ORDER_LINE_ITEMS, ORDERS_TABLE, orderColumns, type Order, type OrderAddress, type OrderLineItem, type ShippingMethod } from './order.js';
import { reserveOrderItems } from './reservations.js';

export interface OrderLineItemInput {
  title?: string | undefined;
  quantity: number;
  unit_price?: number | undefined;
  price?: string | undefined;
  product?: string | undefined;
}

export type OrderAddressInput = Partial<OrderAddress>;

export interface CreateOrderInput {
  currency: string;
  line_items: OrderLineItemInput[];
  customer?: string | undefined;
  metadata?: Metadata | '' | undefined;
  shipping_address?: OrderAddressInput | undefined;
  billing_address?: OrderAddressInput | undefined;
  shipping_rate?: string | undefined;
  shipping_cost?: number | undefined;
  shipping_method?: { display_name: string } | undefined;
}

export function toOrderAddress(input: OrderAddressInput | null | undefined): OrderAddress | null {
  if (!input) return null;
  const v = (s: string | null | undefined) => (s === undefined || s === '' ? null : s);
  return {
    name: v(input.name),
    line1: v(input.line1),
    line2: v(input.line2),
    city: v(input.city),
    state: v(input.state),
    postal_code: v(input.postal_code),
    country: v(input.country),
  };
}

/** Order totals in checked arithmetic; tax is 0 (no tax engine). Above 99,999,999 → 400 naming `param`. */
export function orderTotals(lines: { amount: number }[], shipping: number, param: string) {
  try {
    const subtotal = money.withinMax(money.add(...lines.map((l) => l.amount)));
    const total = money.withinMax(money.add(subtotal, shipping));
    return { amount_subtotal: subtotal, amount_shipping: shipping, amount_tax: 0, amount_total: total };
  } catch (err) {
    if (err instanceof MoneyOverflowError) throw new AppError('amount_too_large', `The order total must be at most ${MAX_AMOUNT}.`, { param });
    throw err;
  }
}

/** Writes a built order with its reservations and the `order.created` event. */
export async function insertOrder(ctx: OpContext, order: Order): Promise<void> {
  await insertObject(ctx.db, ORDERS_TABLE, ctx.actor.scope, order, orderColumns(order));
  await reserveOrderItems(ctx, order);
  await recordEvent(ctx, 'order.created', order);
}

/**
 * Creates an open, unpaid order (POST /v1/orders) and reserves its items. Each line names a `price` (its amount,
 * product and title come from it; `unit_price` cannot be given too) or a `unit_price` with a `title` or a
 * `product` (whose name is the default title). Prices and shipping rate must be in the order's currency.
 * Payment happens outside the order (complete marks it paid). Event `order.created`.
 */
export async function createOrder(ctx: OpContext, input: CreateOrderInput): Promise<Order> {
  const currency = input.currency;
  if (input.line_items.length === 0) throw new AppError('parameter_invalid', 'Invalid line_items: must contain at least one item.', { param: 'line_items' });
  if (input.line_items.length > MAX_ORDER_LINE_ITEMS) {
    throw new AppError('parameter_invalid', `Invalid line_items: at most ${MAX_ORDER_LINE_ITEMS} items.`, { param: 'line_items' });
  }
  const lines: OrderLineItem[] = [];
  for (const [i, li] of input.line_items.entries()) {
    const at = (f: string) => `line_items[${i}][${f}]`;
    let title = li.title;
    let unitPrice: number;
    let amount: number;
    let product: string | null = null;
    let price: string | null = null;
    if (li.price !== undefined) {
      if (li.unit_price !== undefined) {
        throw new AppError('parameter_invalid', `Pass either price or unit_price in line_items[${i}], not both.`, { param: at('unit_price') });
      }
      const p = await loadPrice(ctx, li.price, { param: at('price') });
      if (!p.active) throw new AppError('parameter_invalid', `The price '${p.id}' is archived (active=false) and cannot be sold.`, { param: at('price') });
      if (p.currency !== currency) {
        throw new AppError('parameter_invalid', `The price '${p.id}' is in ${p.currency}; the order is in ${currency}.`, { param: at('price') });
      }
      if (li.product !== undefined && li.product !== p.product) {
        throw new AppError('parameter_invalid', `The price '${p.id}' belongs to product '${p.product}', not '${li.product}'.`, { param: at('product') });
      }
      const prod = await loadProduct(ctx, p.product, { param: at('price') });
      amount = lineAmount(p, li.quantity, at('price'), at('quantity'));
      unitPrice = p.unit_amount ?? Math.round(amount / li.quantity);
      title ??= prod.name;
      product = prod.id;
      price = p.id;
    } else {
      if (li.unit_price === undefined) {
        throw new AppError('parameter_missing', `Missing required param: ${at('unit_price')} (or ${at('price')}).`, { param: at('unit_price') });
      }
      if (li.product !== undefined) {
        const prod = await loadProduct(ctx, li.product, { param: at('product') });
        title ??= prod.name;
        product = prod.id;
      }
      if (title === undefined) throw new AppError('parameter_missing', `Missing required param: ${at('title')} (or a product).`, { param: at('title') });
      unitPrice = li.unit_price;
      try {
        amount = money.withinMax(money.mul(li.unit_price, li.quantity));
      } catch (err) {
        if (err instanceof MoneyOverflowError) throw new AppError('amount_too_large', `The amount of line_items[${i}] must be at most ${MAX_AMOUNT}.`, { param: at('quantity') });
        throw err;
      }
    }
    lines.push({ id: newId('li'), title, quantity: li.quantity, unit_price: unitPrice, amount, price, product });
  }

  let shippingMethod: ShippingMethod | null = null;
  let shippingCost: number | null = null;
  if (input.shipping_rate !== undefined) {
    if (input.shipping_cost !== undefined) {
      throw new AppError('parameter_invalid', 'Pass either shipping_rate or shipping_cost, not both.', { param: 'shipping_cost' });
    }
    const rate = await loadShippingRate(ctx, input.shipping_rate, { param: 'shipping_rate' });
    if (rate.fixed_amount.currency !== currency) {
      throw new AppError('parameter_invalid', `The shipping rate '${rate.id}' is in ${rate.fixed_amount.currency}; the order is in ${currency}.`, { param: 'shipping_rate' });
    }
    shippingMethod = { shipping_rate: rate.id, display_name: input.shipping_method?.display_name ?? rate.display_name };
    shippingCost = rate.fixed_amount.amount;
  } else if (input.shipping_cost !== undefined) {
    shippingMethod = { shipping_rate: null, display_name: input.shipping_method?.display_name ?? null };
    shippingCost = input.shipping_cost;
  } else if (input.shipping_method !== undefined) {
    throw new AppError('parameter_missing', 'Missing required param: shipping_cost (or shipping_rate) to go with shipping_method.', { param: 'shipping_cost' });
  }
  const customer = input.customer !== undefined ? (await requireCustomer(ctx, input.customer)).id : null;

  const order: Order = {
    id: newId('ord'),
    object: 'order',
    status: 'open',
    payment_status: 'unpaid',
    fulfillment_status: 'unfulfilled',
    currency,
    line_items: lines,
    ...orderTotals(lines, shippingCost ?? 0, 'line_items'),
    customer,
    checkout_session: null,
    payment_intent: null,
    shipping_address: toOrderAddress(input.shipping_address),
    billing_address: toOrderAddress(input.billing_address),
    shipping_method: shippingMethod,
    shipping_cost: shippingCost,
    metadata: initialMetadata(input.metadata),
    livemode: ctx.actor.scope.livemode,
    created: ctx.actor.now,
  };
  await insertOrder(ctx, order);
  return order;
}
