import { updateObject } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import { mergeMetadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { loadPrice } from '../prices/load-price.js';
import { loadProduct } from './load-product.js';
import { PRODUCTS_TABLE, productColumns, type Product, type ProductInput } from './product.js';
import { isUnchanged } from '../../lib/unchanged.js';

export interface UpdateProductInput extends Partial<Omit<ProductInput, 'name'>> {
  name?: string | undefined;
  /** One of this product's active prices; "" or null unsets. */
  default_price?: string | null | undefined;
}

/**
 * Updates the given fields: `null` or "" unsets a nullable field (and empties `images` / `marketing_features`);
 * metadata merges. `default_price` must be an active price of this product. Deleted products answer 404. An update
 * that changes nothing writes nothing, keeps `updated` and records no event.
 */
export async function updateProduct(ctx: OpContext, id: string, input: UpdateProductInput): Promise<Product> {
  const current = await loadProduct(ctx, id, { forUpdate: true });
  const next: Product = { ...current };
  const text = (v: string | null | undefined, old: string | null) => (v === undefined ? old : v || null);
  if (input.name !== undefined) next.name = input.name;
  if (input.active !== undefined) next.active = input.active;
  next.description = text(input.description, current.description);
  next.statement_descriptor = text(input.statement_descriptor, current.statement_descriptor);
  next.tax_code = text(input.tax_code, current.tax_code);
  next.unit_label = text(input.unit_label, current.unit_label);
  next.url = text(input.url, current.url);
  if (input.images !== undefined) next.images = input.images || [];
  if (input.marketing_features !== undefined) next.marketing_features = input.marketing_features || [];
  if (input.package_dimensions !== undefined) next.package_dimensions = input.package_dimensions || null;
  if (input.shippable !== undefined) next.shippable = input.shippable === '' ? null : input.shippable;
  next.metadata = mergeMetadata(current.metadata, input.metadata);

  if (input.default_price !== undefined) {
    if (!input.default_price) {
      next.default_price = null;
    } else {
      const price = await loadPrice(ctx, input.default_price, { param: 'default_price', forUpdate: true });
      if (price.product !== current.id) {
        throw new AppError(
          'parameter_invalid',
          `The price ${price.id} belongs to another product; the default price must be one of this product's prices.`,
          {
            param: 'default_price',
          },
        );
      }
      if (!price.active) {
        throw new AppError(
          'parameter_invalid',
          `The price ${price.id} is archived; the default price must be active.`,
          { param: 'default_price' },
        );
      }
      next.default_price = price.id;
    }
  }

  if (isUnchanged(next, current)) return current;
  next.updated = ctx.actor.now;
  await updateObject(ctx.db, PRODUCTS_TABLE, ctx.actor.scope, next, productColumns(next));
  await recordEvent(ctx, 'product.updated', next);
  return next;
}
