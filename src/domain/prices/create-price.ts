import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { createProduct } from '../products/create-product.js';
import { loadProduct } from '../products/load-product.js';
import { buildPrice } from './build-price.js';
import { insertPrice } from './insert-price.js';
import type { Price, PriceTermsInput } from './price.js';

/** The product a new price creates along with it (`product_data`). */
export interface PriceProductData {
  name: string;
  active?: boolean | undefined;
  metadata?: Metadata | '' | undefined;
  statement_descriptor?: string | undefined;
  tax_code?: string | undefined;
  unit_label?: string | undefined;
}

export interface CreatePriceInput extends PriceTermsInput {
  product?: string | undefined;
  product_data?: PriceProductData | undefined;
  transfer_lookup_key?: boolean | undefined;
}

/**
 * Creates a price for an existing product of the caller (`product`) or for a new one (`product_data`). The terms are
 * checked before anything is written; the product row is locked so a concurrent delete cannot leave the price
 * orphaned. Events: `product.created` (with `product_data`), `price.updated` for a price whose lookup key moved,
 * `price.created`.
 */
export async function createPrice(ctx: OpContext, input: CreatePriceInput): Promise<Price> {
  if (input.product !== undefined && input.product_data !== undefined) {
    throw new AppError('parameter_invalid', 'Pass only one of product and product_data.', { param: 'product_data' });
  }
  if (input.product === undefined && input.product_data === undefined) {
    throw new AppError('parameter_missing', 'Missing required param: product (or product_data to create one).', {
      param: 'product',
    });
  }
  const price = buildPrice(input, {
    id: newId('price'),
    product: '',
    created: ctx.actor.now,
    livemode: ctx.actor.scope.livemode,
  });
  if (input.product !== undefined) {
    price.product = (await loadProduct(ctx, input.product, { param: 'product', forUpdate: true })).id;
  } else if (input.product_data !== undefined) {
    price.product = (await createProduct(ctx, input.product_data)).id;
  }
  return insertPrice(ctx, price, { transferLookupKey: input.transfer_lookup_key });
}
