import { insertObject } from '../../db/objects.js';
import { isUniqueViolation } from '../../db/store.js';
import { nestParam } from '../../lib/param-path.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { claimLookupKey } from './claim-lookup-key.js';
import { lookupKeyConflict, PRICES_TABLE, priceColumns, type Price } from './price.js';

/**
 * Stores a built price and its `price.created` event in the caller's transaction, first taking its lookup key
 * (moving it from another price when `transferLookupKey`).
 */
export async function insertPrice(
  ctx: OpContext,
  price: Price,
  options: { transferLookupKey?: boolean | undefined; paramPrefix?: string | undefined } = {},
): Promise<Price> {
  const keyParam = nestParam(options.paramPrefix, 'lookup_key');
  if (price.lookup_key !== null) {
    await claimLookupKey(ctx, price.lookup_key, price.id, {
      transfer: options.transferLookupKey ?? false,
      param: keyParam,
    });
  }
  try {
    await insertObject(ctx.db, PRICES_TABLE, ctx.actor.scope, price, priceColumns(price), { immediate: true });
  } catch (err) {
    if (price.lookup_key !== null && isUniqueViolation(err)) throw lookupKeyConflict(price.lookup_key, keyParam);
    throw err;
  }
  await recordEvent(ctx, 'price.created', price);
  return price;
}
