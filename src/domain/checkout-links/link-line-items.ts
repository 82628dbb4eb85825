import type { OpContext } from '../context.js';
import { buildLineItems } from '../checkout-sessions/build-line-items.js';
import { presentLineItem, type PresentedLineItem } from '../checkout-sessions/session.js';
import type { LinkRow } from './checkout-link.js';

/** A checkout link's line item as the API shows it: a session's, with the price's product (the Fluveo reference). */
export type LinkLineItem = PresentedLineItem & { product: string };

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
  const sold = row.items.items;
  const { items } = await buildLineItems(ctx, sold, { currency: row.link.currency, ownPrices: new Set(sold.map((i) => i.price)) });
  return items.map((li, index) => ({ ...presentLineItem(li), id: linkItemId(row.link.id, index), product: li.price.product }));
}
