import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { isDeletedProduct, type Product } from './product.js';
import { retrieveProduct } from './retrieve-product.js';

/**
 * The caller's live product (active or archived), or 404 `resource_missing` naming `param` (default `id`): deleted
 * products and products of another merchant or mode answer like ids that do not exist. `forUpdate` locks the row on
 * PostgreSQL — price writes lock their product so a concurrent delete cannot orphan them.
 */
export async function loadProduct(
  ctx: OpContext,
  id: string,
  options: { param?: string; forUpdate?: boolean } = {},
): Promise<Product> {
  const found = await retrieveProduct(ctx, id, options);
  if (isDeletedProduct(found))
    throw new AppError('resource_missing', `No such product: '${id}'`, { param: options.param ?? 'id' });
  return found;
}
