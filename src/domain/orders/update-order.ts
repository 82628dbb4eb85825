import { updateObject } from '../../db/objects.js';
import { mergeMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { loadOrder, ORDERS_TABLE, orderColumns, type Order } from './order.js';
import { isUnchanged } from '../../lib/unchanged.js';

/** Updates an order's metadata (merged; "" deletes a key), in any status. Event `order.updated` when it changed. */
export async function updateOrder(ctx: OpContext, id: string, input: { metadata?: Metadata | '' | undefined }): Promise<Order> {
  const current = await loadOrder(ctx, id, { forUpdate: true });
  const next: Order = { ...current, metadata: mergeMetadata(current.metadata, input.metadata) };
  if (isUnchanged(next.metadata, current.metadata)) return current;
  await updateObject(ctx.db, ORDERS_TABLE, ctx.actor.scope, next, orderColumns(next));
  await recordEvent(ctx, 'order.updated', next);
  return next;
}
