import type { Db } from '../store.js';
import { listIndex, objectTable } from './helpers.js';

/**
 * The catalog: products, prices and shipping rates. Booleans are 0/1 integers; the filter columns mirror the
 * object's JSON and are rewritten with it.
 */
export async function up(db: Db): Promise<void> {
  await objectTable(db, 'products')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('shippable', 'integer')
    .addColumn('url', 'text')
    .execute();
  await listIndex(db, 'products');
  await listIndex(db, 'products', ['deleted', 'active']);

  await objectTable(db, 'prices')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('lookup_key', 'text')
    .execute();
  await listIndex(db, 'prices');
  await listIndex(db, 'prices', ['product']);
  await listIndex(db, 'prices', ['active']);
  // A lookup key names at most one price per merchant and mode; NULLs (no key) never collide on either engine.
  await db.schema
    .createIndex('prices_lookup_key')
    .on('prices')
    .columns(['merchant_id', 'livemode', 'lookup_key'])
    .unique()
    .execute();

  await objectTable(db, 'shipping_rates')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .execute();
  await listIndex(db, 'shipping_rates');
  await listIndex(db, 'shipping_rates', ['active']);
}
