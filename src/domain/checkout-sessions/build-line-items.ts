import { modeValue, type Scope } from '../../db/objects.js';
import { fixedStatement } from '../../db/statements.js';
import { committedReader, findGathered, type Db } from '../../db/store.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { OpContext } from '../context.js';
import { createPriceFromData, type PriceData } from '../prices/create-price-from-data.js';
import { PRICES_TABLE, type Price } from '../prices/price.js';
import { loadProduct } from '../products/load-product.js';
import { isDeletedProduct, PRODUCTS_TABLE, type StoredProduct } from '../products/product.js';
import { lineAmount } from './line-amount.js';
import { MAX_LINE_ITEMS, type LineItem } from './session.js';

export interface LineItemInput {
  price?: string | undefined;
  price_data?: PriceData | undefined;
  quantity: number;
}

export interface BuildLineItemsOptions {
  /** Where the list sits in the request (`line_items`); errors name `<param>[i][field]`. */
  param?: string;
  /** The currency every item must be in (the request's `currency`), if given. */
  currency?: string | undefined;
  /** Archived prices that may still be sold: the inline prices a checkout link created for its own items. */
  ownPrices?: ReadonlySet<string> | undefined;
}

/**
 * Turns requested line items into session line items, in the caller's transaction: each names exactly one of a
 * `price` (the caller's, active, with an active product) or a `price_data` (an inline price, created archived);
 * all share one currency (the request's `currency` when given); at most MAX_LINE_ITEMS. Each line's amount comes
 * from its price (see lineAmount). Errors name the item's parameter; the transaction undoes any inline price.
 */
export async function buildLineItems(
  ctx: OpContext,
  inputs: LineItemInput[],
  options: BuildLineItemsOptions = {},
): Promise<{ items: LineItem[]; currency: string }> {
  const base = options.param ?? 'line_items';
  if (inputs.length === 0) throw new AppError('parameter_invalid', `Invalid ${base}: must contain at least one item.`, { param: base });
  if (inputs.length > MAX_LINE_ITEMS) {
    throw new AppError('parameter_invalid', `Invalid ${base}: at most ${MAX_LINE_ITEMS} line items.`, { param: base });
  }
  let currency = options.currency;
  const catalog = await loadCatalog(ctx, inputs.flatMap((input) => (input.price !== undefined ? [input.price] : [])));
  const items: LineItem[] = [];
  for (const [i, input] of inputs.entries()) {
    const at = (field: string) => `${base}[${i}][${field}]`;
    if (input.price !== undefined && input.price_data !== undefined) {
      throw new AppError('parameter_invalid', `Pass either price or price_data in ${base}[${i}], not both.`, { param: at('price_data') });
    }
    let price: Price;
    let description: string;
    let currencyParam: string;
    if (input.price !== undefined) {
      const entry = catalog.get(input.price);
      if (!entry) throw notFound('price', input.price, at('price'));
      price = entry.price;
      currencyParam = at('price');
      if (!price.active && !options.ownPrices?.has(price.id)) {
        throw new AppError('parameter_invalid', `The price '${price.id}' is archived (active=false) and cannot be sold. Use an active price.`, {
          param: at('price'),
        });
      }
      const product = entry.product;
      if (!product || isDeletedProduct(product)) throw notFound('product', price.product, at('price'));
      if (!product.active && !options.ownPrices?.has(price.id)) {
        throw new AppError('parameter_invalid', `The product '${product.id}' of price '${price.id}' is archived (active=false) and cannot be sold.`, {
          param: at('price'),
        });
      }
      description = product.name;
    } else if (input.price_data !== undefined) {
      currencyParam = `${at('price_data')}[currency]`;
      if (currency !== undefined && input.price_data.currency !== currency) throw currencyMismatch(currencyParam, input.price_data.currency, currency);
      price = await createPriceFromData(ctx, input.price_data, { paramPrefix: at('price_data'), sellable: true });
      description = input.price_data.product_data?.name ?? (await loadProduct(ctx, price.product, { param: `${at('price_data')}[product]` })).name;
    } else {
      throw new AppError('parameter_missing', `Missing required param: ${at('price')} (or ${at('price_data')}).`, { param: at('price') });
    }
    if (currency === undefined) currency = price.currency;
    else if (price.currency !== currency) throw currencyMismatch(currencyParam, price.currency, currency);
    const amount = lineAmount(price, input.quantity, input.price !== undefined ? at('price') : at('price_data'), at('quantity'));
    // Every item's amount is positive (fluveo-api.md §3.1): a free price cannot be a line item.
    if (amount <= 0) {
      const param = input.price !== undefined ? at('price') : `${at('price_data')}[unit_amount]`;
      throw new AppError('parameter_invalid', `Invalid ${param}: every line item's amount must be positive (this one is ${String(amount)}).`, { param });
    }
    items.push({
      id: newId('csli'),
      object: 'item',
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description,
      price,
      quantity: input.quantity,
    });
  }
  return { items, currency: currency as string };
}

/**
 * The caller's prices named by the line items, each with its product (undefined if missing), in one query: the same
 * rows loadPrice and loadProduct would read one by one.
 */
async function loadCatalog(ctx: OpContext, ids: string[]): Promise<Map<string, { price: Price; product: StoredProduct | undefined }>> {
  const catalog = new Map<string, { price: Price; product: StoredProduct | undefined }>();
  if (ids.length === 0) return catalog;
  const { scope } = ctx.actor;
  // Committed rows, read without a lock (a price is never written in the transaction that names it).
  const reader = committedReader(ctx.db);
  const gathered = await findAllGathered(reader, PRICES_TABLE, scope, [...new Set(ids)]);
  if (gathered) {
    // PostgreSQL, outside the transaction: the prices, then their products, each gathered with other requests'.
    const prices = gathered.map((data) => JSON.parse(data) as Price);
    const products = (await findAllGathered(reader, PRODUCTS_TABLE, scope, [...new Set(prices.map((p) => p.product))])) ?? [];
    const byId = new Map(products.map((data) => JSON.parse(data) as StoredProduct).map((p) => [p.id, p]));
    for (const price of prices) catalog.set(price.id, { price, product: byId.get(price.product) });
    return catalog;
  }
  const unique = [...new Set(ids)];
  const statement = fixedStatement(
    reader,
    `select p.data as price, d.data as product from ${PRICES_TABLE} p ` +
      `left join ${PRODUCTS_TABLE} d on d.merchant_id = p.merchant_id and d.livemode = p.livemode and d.id = p.product ` +
      `where p.merchant_id = ? and p.livemode = ? and p.id in (${unique.map(() => '?').join(', ')})`,
    [scope.merchantId, modeValue(scope), ...unique],
  );
  const { rows } = await reader.executeQuery<{ price: string; product: string | null }>(statement);
  for (const row of rows) {
    const price = JSON.parse(row.price) as Price;
    catalog.set(price.id, { price, product: row.product === null ? undefined : (JSON.parse(row.product) as StoredProduct) });
  }
  return catalog;
}

/** The rows found of `ids` (missing ones left out), gathered with other lookups; undefined where nothing is gathered. */
async function findAllGathered(db: Db, table: string, scope: Scope, ids: string[]): Promise<string[] | undefined> {
  const asks = ids.map((id) => findGathered(db, table, scope.merchantId, modeValue(scope), id));
  if (!asks.every((a) => a !== undefined)) return undefined;
  return (await Promise.all(asks)).filter((data) => data !== undefined);
}

function currencyMismatch(param: string, found: string, expected: string): AppError {
  return new AppError(
    'parameter_invalid',
    `All line items must use the same currency: this one is in ${found}, not ${expected}.`,
    { param },
  );
}
