import type { OpContext } from '../context.js';
import { buildLineItems } from '../checkout-sessions/build-line-items.js';
import type { LineItem } from '../checkout-sessions/session.js';
import type { LinkRow } from './checkout-link.js';

/** A checkout link's line item as the API shows it (the Fluveo line-items reference for checkout links). */
export interface LinkLineItem {
  id: string;
  object: 'item';
  amount_discount: number;
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
  currency: string;
  /** The product's name. */
  description: string;
  price: string;
  product: string;
  quantity: number;
}

/**
 * The id of a link's item: the link's own id and the item's position (a link's items are fixed at its creation), so
 * that cursors stay valid from one call to the next.
 */
export function linkItemId(linkId: string, index: number): string {
  return `clli_${linkId.replace(/^cl_/, '')}${String(index).padStart(3, '0')}`;
}

/**
 * What each visit of the link sells, priced as a session made now would price it: the same amounts and product
 * names, from the link's prices (archived ones too: the link keeps selling its own).
 */
export async function linkLineItems(ctx: OpContext, row: LinkRow): Promise<LinkLineItem[]> {
  const { items } = await buildLineItems(
    ctx,
    row.items.items.map((i) => ({ price: i.price, quantity: i.quantity })),
    { currency: row.link.currency, ownPrices: new Set(row.items.items.map((i) => i.price)) },
  );
  return items.map((li: LineItem, index) => ({
    id: linkItemId(row.link.id, index),
    object: 'item',
    amount_discount: li.amount_discount,
    amount_subtotal: li.amount_subtotal,
    amount_tax: li.amount_tax,
    amount_total: li.amount_total,
    currency: li.currency,
    description: li.description,
    price: li.price.id,
    product: li.price.product,
    quantity: li.quantity,
  }));
}
