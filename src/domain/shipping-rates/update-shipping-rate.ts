import { updateObject } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import { mergeMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import type { TaxBehavior } from '../prices/price.js';
import { loadShippingRate } from './load-shipping-rate.js';
import { SHIPPING_RATES_TABLE, shippingRateColumns, type ShippingRate } from './shipping-rate.js';
import { isUnchanged } from '../../lib/unchanged.js';

export interface UpdateShippingRateInput {
  active?: boolean | undefined;
  metadata?: Metadata | '' | undefined;
  tax_behavior?: TaxBehavior | undefined;
}

/**
 * Updates `active`, `metadata` (merged) and `tax_behavior` (only while `unspecified`, like prices); the amount and
 * the estimate are fixed once created. Event: `shipping_rate.updated`, when anything changed (a no-op writes nothing).
 */
export async function updateShippingRate(
  ctx: OpContext,
  id: string,
  input: UpdateShippingRateInput,
): Promise<ShippingRate> {
  const current = await loadShippingRate(ctx, id, { forUpdate: true });
  const next: ShippingRate = { ...current, metadata: mergeMetadata(current.metadata, input.metadata) };
  if (input.active !== undefined) next.active = input.active;
  if (input.tax_behavior !== undefined && input.tax_behavior !== current.tax_behavior) {
    if (current.tax_behavior !== 'unspecified') {
      throw new AppError(
        'parameter_invalid',
        `tax_behavior is ${current.tax_behavior} and cannot be changed once set to inclusive or exclusive.`,
        {
          param: 'tax_behavior',
        },
      );
    }
    next.tax_behavior = input.tax_behavior;
  }
  if (isUnchanged(next, current)) return current;
  await updateObject(ctx.db, SHIPPING_RATES_TABLE, ctx.actor.scope, next, shippingRateColumns(next));
  await recordEvent(ctx, 'shipping_rate.updated', next);
  return next;
}
