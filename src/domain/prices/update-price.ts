import { updateObject } from '../../db/objects.js';
import { isUniqueViolation } from '../../db/store.js';
import { AppError } from '../../lib/errors.js';
import { mergeMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { retrieveProduct } from '../products/retrieve-product.js';
import { claimLookupKey } from './claim-lookup-key.js';
import { loadPrice } from './load-price.js';
import { lookupKeyConflict, PRICES_TABLE, priceColumns, type Price, type TaxBehavior } from './price.js';
import { isUnchanged } from '../../lib/unchanged.js';

export interface UpdatePriceInput {
  active?: boolean | undefined;
  metadata?: Metadata | '' | undefined;
  nickname?: string | null | undefined;
  /** "" or null removes the key. */
  lookup_key?: string | null | undefined;
  transfer_lookup_key?: boolean | undefined;
  tax_behavior?: TaxBehavior | undefined;
}

/**
 * Updates what a price allows to change (amounts, currency, product and recurrence are fixed once created).
 * `tax_behavior` can only be set while `unspecified`; a product's default price cannot be archived. The product row
 * is locked before the price (the order every catalog write follows), so the default-price check cannot race with
 * a product update. An update that changes nothing writes nothing and records no event.
 */
export async function updatePrice(ctx: OpContext, id: string, input: UpdatePriceInput): Promise<Price> {
  const before = await loadPrice(ctx, id);
  const product = await retrieveProduct(ctx, before.product, { forUpdate: true });
  const current = await loadPrice(ctx, id, { forUpdate: true });
  const next: Price = { ...current };

  if (input.active !== undefined) {
    if (!input.active && current.active && !('deleted' in product) && product.default_price === current.id) {
      throw new AppError(
        'parameter_invalid',
        `The price ${id} is the default price of its product ${product.id}; set another default_price on the product (or unset it) before archiving this price.`,
        { param: 'active' },
      );
    }
    next.active = input.active;
  }
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
  if (input.nickname !== undefined) next.nickname = input.nickname || null;
  next.metadata = mergeMetadata(current.metadata, input.metadata);

  if (input.lookup_key !== undefined) {
    next.lookup_key = input.lookup_key || null;
    if (next.lookup_key !== null && next.lookup_key !== current.lookup_key) {
      await claimLookupKey(ctx, next.lookup_key, id, {
        transfer: input.transfer_lookup_key ?? false,
        param: 'lookup_key',
      });
    }
  }

  if (isUnchanged(next, current)) return current;
  try {
    await updateObject(ctx.db, PRICES_TABLE, ctx.actor.scope, next, priceColumns(next), { immediate: true });
  } catch (err) {
    if (next.lookup_key !== null && isUniqueViolation(err)) throw lookupKeyConflict(next.lookup_key, 'lookup_key');
    throw err;
  }
  await recordEvent(ctx, 'price.updated', next);
  return next;
}
