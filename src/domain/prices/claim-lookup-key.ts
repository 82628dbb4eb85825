import { findObject, updateObject } from '../../db/objects.js';
import { findPriceIdByLookupKey } from '../../db/repos/prices.js';
import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { PRICES_TABLE, priceColumns, type Price } from './price.js';

/**
 * Makes `lookupKey` free for the price `claimantId`. When another price holds it: with `transfer` that price loses
 * the key (a `price.updated` event, in the caller's transaction); without, 400 naming `param`. The unique index is
 * the final arbiter should a concurrent request take the key between this check and the caller's write.
 */
export async function claimLookupKey(
  ctx: OpContext,
  lookupKey: string,
  claimantId: string,
  options: { transfer: boolean; param: string },
): Promise<void> {
  const { scope } = ctx.actor;
  const engine = ctx.deps.store.engine;
  const holderId = await findPriceIdByLookupKey(ctx.db, scope, lookupKey, { forUpdate: true, engine });
  if (holderId === undefined || holderId === claimantId) return;
  if (!options.transfer) {
    throw new AppError(
      'parameter_invalid',
      `A price (${holderId}) already uses the lookup key '${lookupKey}'. Pass transfer_lookup_key=true to move it to this price.`,
      { param: options.param },
    );
  }
  const holder = await findObject<Price>(ctx.db, PRICES_TABLE, scope, holderId, { forUpdate: true });
  if (!holder) return;
  const released: Price = { ...holder, lookup_key: null };
  await updateObject(ctx.db, PRICES_TABLE, scope, released, priceColumns(released));
  await recordEvent(ctx, 'price.updated', released);
}
