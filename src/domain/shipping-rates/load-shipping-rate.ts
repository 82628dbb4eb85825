import { findObject } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { SHIPPING_RATES_TABLE, type ShippingRate } from './shipping-rate.js';

/**
 * The caller's shipping rate (active or archived), or 404 `resource_missing` naming `param` (default `id`); another
 * merchant's or mode's rate answers like an unknown id. `forUpdate` locks the row on PostgreSQL.
 */
export async function loadShippingRate(
  ctx: OpContext,
  id: string,
  options: { param?: string; forUpdate?: boolean } = {},
): Promise<ShippingRate> {
  const found = await findObject<ShippingRate>(ctx.db, SHIPPING_RATES_TABLE, ctx.actor.scope, id, {
    forUpdate: options.forUpdate ?? false,
  });
  if (!found)
    throw new AppError('resource_missing', `No such shipping rate: '${id}'`, { param: options.param ?? 'id' });
  return found;
}
