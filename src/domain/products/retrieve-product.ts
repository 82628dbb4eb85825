import { findObject } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { PRODUCTS_TABLE, type StoredProduct } from './product.js';

/** The product or its tombstone (retrieve shows tombstones; everything else treats them as missing). */
export async function retrieveProduct(
  ctx: OpContext,
  id: string,
  options: { param?: string; forUpdate?: boolean } = {},
): Promise<StoredProduct> {
  const found = await findObject<StoredProduct>(ctx.db, PRODUCTS_TABLE, ctx.actor.scope, id, {
    forUpdate: options.forUpdate ?? false,
  });
  if (!found) throw new AppError('resource_missing', `No such product: '${id}'`, { param: options.param ?? 'id' });
  return found;
}
