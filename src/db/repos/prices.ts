import { modeValue, type Scope } from '../objects.js';
import type { Db, Engine } from '../store.js';

export const PRICES_TABLE = 'prices';

/** The price holding a lookup key in this scope, if any; `forUpdate` locks its row on PostgreSQL. */
export async function findPriceIdByLookupKey(
  db: Db,
  scope: Scope,
  lookupKey: string,
  options: { forUpdate?: boolean; engine?: Engine } = {},
): Promise<string | undefined> {
  let q = db
    .selectFrom(PRICES_TABLE)
    .select('id')
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', modeValue(scope))
    .where('lookup_key', '=', lookupKey);
  if (options.forUpdate && options.engine === 'postgres') q = q.forUpdate();
  const row: { id: string } | undefined = await q.executeTakeFirst();
  return row?.id;
}

/** Whether any price (active or archived) belongs to the product. */
export async function productHasPrices(db: Db, scope: Scope, productId: string): Promise<boolean> {
  const row = await db
    .selectFrom(PRICES_TABLE)
    .select('id')
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', modeValue(scope))
    .where('product', '=', productId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
