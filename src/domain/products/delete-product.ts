import { updateObject } from '../../db/objects.js';
import { productHasPrices } from '../../db/repos/prices.js';
import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { loadProduct } from './load-product.js';
import { PRODUCTS_TABLE, type DeletedProduct } from './product.js';

/**
 * Deletes a product that no price references (active or archived); otherwise 400 `resource_in_use` — archive it
 * with `active=false` instead. The row becomes a tombstone that keeps `id` and `created`; `product.deleted` carries
 * the product as it was. The product row is locked first, so a concurrent price creation either lands before (and
 * the delete is refused) or finds the product gone.
 */
export async function deleteProduct(ctx: OpContext, id: string): Promise<DeletedProduct> {
  const current = await loadProduct(ctx, id, { forUpdate: true });
  if (await productHasPrices(ctx.db, ctx.actor.scope, id)) {
    throw new AppError(
      'resource_in_use',
      `The product ${id} cannot be deleted because prices belong to it. Archive it with active=false instead.`,
      { param: 'id' },
    );
  }
  const tombstone = { id, object: 'product' as const, deleted: true as const, created: current.created };
  await updateObject(ctx.db, PRODUCTS_TABLE, ctx.actor.scope, tombstone, {
    deleted: 1,
    active: 0,
    shippable: null,
    url: null,
  });
  await recordEvent(ctx, 'product.deleted', current);
  return { id, object: 'product', deleted: true };
}
