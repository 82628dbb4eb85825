import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Metadata } from '../../lib/metadata.js';
import { nestParam } from '../../lib/param-path.js';
import type { OpContext } from '../context.js';
import { createProduct } from '../products/create-product.js';
import { loadProduct } from '../products/load-product.js';
import { buildPrice } from './build-price.js';
import { insertPrice } from './insert-price.js';
import type { Price, PriceTermsInput } from './price.js';

/** An inline price as checkout line items give it (`line_items[].price_data`). */
export interface PriceData {
  currency: string;
  unit_amount?: number | undefined;
  unit_amount_decimal?: string | undefined;
  product?: string | undefined;
  product_data?:
    | {
        name: string;
        description?: string | undefined;
        images?: string[] | undefined;
        metadata?: Metadata | '' | undefined;
        tax_code?: string | undefined;
        unit_label?: string | undefined;
      }
    | undefined;
  recurring?: PriceTermsInput['recurring'];
  tax_behavior?: PriceTermsInput['tax_behavior'];
}

/**
 * Creates the price behind an inline `price_data`, in the caller's transaction. Like Stripe, inline prices are
 * created archived (`active: false`): they price one purchase and are not offered for reuse. They belong to the
 * given `product` (one of the caller's, archived or not) or to a product made from `product_data`, itself created
 * archived. `paramPrefix` (e.g. `line_items[0][price_data]`) names the parameter in errors. `sellable` refuses an
 * archived `product` (a line item sells it), as a price of that product would be refused.
 */
export async function createPriceFromData(
  ctx: OpContext,
  data: PriceData,
  options: { paramPrefix?: string; sellable?: boolean } = {},
): Promise<Price> {
  const param = (name: string) => nestParam(options.paramPrefix, name);
  if (data.product !== undefined && data.product_data !== undefined) {
    throw new AppError('parameter_invalid', 'Pass only one of product and product_data.', {
      param: param('product_data'),
    });
  }
  if (data.product === undefined && data.product_data === undefined) {
    throw new AppError('parameter_missing', 'Missing required param: product (or product_data).', {
      param: param('product'),
    });
  }
  const price = buildPrice(
    {
      currency: data.currency,
      unit_amount: data.unit_amount,
      unit_amount_decimal: data.unit_amount_decimal,
      recurring: data.recurring,
      tax_behavior: data.tax_behavior,
      active: false,
    },
    {
      id: newId('price'),
      product: '',
      created: ctx.actor.now,
      livemode: ctx.actor.scope.livemode,
      paramPrefix: options.paramPrefix,
    },
  );
  if (data.product !== undefined) {
    const product = await loadProduct(ctx, data.product, { param: param('product'), forUpdate: true });
    if (options.sellable && !product.active) {
      throw new AppError('parameter_invalid', `The product '${product.id}' is archived (active=false) and cannot be sold.`, { param: param('product') });
    }
    price.product = product.id;
  } else if (data.product_data !== undefined) {
    price.product = (await createProduct(ctx, { ...data.product_data, active: false })).id;
  }
  return insertPrice(ctx, price, { paramPrefix: options.paramPrefix });
}
