import { findObject } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { PRICES_TABLE, type Price } from './price.js';

/**
 * The caller's price (active or archived), or 404 `resource_missing` naming `param` (default `id`) — a price of
 * another merchant or mode answers exactly like one that does not exist. `forUpdate` locks the row on PostgreSQL.
 */
export async function loadPrice(
  ctx: OpContext,
  id: string,
  options: { param?: string; forUpdate?: boolean } = {},
): Promise<Price> {
  const found = await findObject<Price>(ctx.db, PRICES_TABLE, ctx.actor.scope, id, {
    forUpdate: options.forUpdate ?? false,
  });
  if (!found) throw new AppError('resource_missing', `No such price: '${id}'`, { param: options.param ?? 'id' });
  return found;
}
