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
    // Only a lookup key can collide, so only then is the insert sent at once to catch it here; an inline price
    // (price_data) travels with the transaction's other writes.
    await insertObject(ctx.db, PRICES_TABLE, ctx.actor.scope, price, priceColumns(price), { immediate: price.lookup_key !== null });
  } catch (err) {
    if (price.lookup_key !== null && isUniqueViolation(err)) throw lookupKeyConflict(price.lookup_key, keyParam);
    throw err;
  }
  await recordEvent(ctx, 'price.created', price);
  return price;
}
