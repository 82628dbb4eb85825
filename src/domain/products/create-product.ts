import { insertObject } from '../../db/objects.js';
import { newId } from '../../lib/ids.js';
import { initialMetadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { buildPrice } from '../prices/build-price.js';
import { insertPrice } from '../prices/insert-price.js';
import type { Price, PriceTermsInput } from '../prices/price.js';
import { PRODUCTS_TABLE, productColumns, type Product, type ProductInput } from './product.js';

/** The terms of the default price created with the product (`default_price_data`). */
export type DefaultPriceData = Pick<
  PriceTermsInput,
  'currency' | 'unit_amount' | 'unit_amount_decimal' | 'recurring' | 'tax_behavior' | 'custom_unit_amount' | 'metadata'
>;

export interface CreateProductInput extends ProductInput {
  default_price_data?: DefaultPriceData | undefined;
}

/**
 * Creates a product. With `default_price_data` the price is created in the same transaction and becomes the
 * product's `default_price`; its terms are checked before anything is written. Events: `product.created`, then
 * `price.created`.
 */
export async function createProduct(ctx: OpContext, input: CreateProductInput): Promise<Product> {
  const { actor } = ctx;
  const id = newId('prod');
  let defaultPrice: Price | undefined;
  if (input.default_price_data) {
    defaultPrice = buildPrice(input.default_price_data, {
      id: newId('price'),
      product: id,
      created: actor.now,
      livemode: actor.scope.livemode,
      paramPrefix: 'default_price_data',
    });
  }
  const product: Product = {
    id,
    object: 'product',
    active: input.active ?? true,
    created: actor.now,
    default_price: defaultPrice?.id ?? null,
    description: input.description || null,
    images: input.images || [],
    livemode: actor.scope.livemode,
    marketing_features: input.marketing_features || [],
    metadata: initialMetadata(input.metadata),
    name: input.name,
    package_dimensions: input.package_dimensions || null,
    shippable: input.shippable === '' ? null : (input.shippable ?? null),
    statement_descriptor: input.statement_descriptor || null,
    tax_code: input.tax_code || null,
    unit_label: input.unit_label || null,
    updated: actor.now,
    url: input.url || null,
  };
  await insertObject(ctx.db, PRODUCTS_TABLE, actor.scope, product, productColumns(product));
  await recordEvent(ctx, 'product.created', product);
  if (defaultPrice) await insertPrice(ctx, defaultPrice);
  return product;
}
