import type { CreateTableBuilder } from 'kysely';
import type { Db } from '../store.js';

/**
 * An object table: every resource row is keyed by (merchant_id, livemode, id), carries `created` (unix seconds)
 * and the object's JSON body in `data`; resource-specific columns exist only for filters and constraints.
 */
export function objectTable(db: Db, name: string): CreateTableBuilder<string> {
  return db.schema
    .createTable(name)
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint(`${name}_pk`, ['merchant_id', 'livemode', 'id']);
}

/** The list index: (merchant_id, livemode, [filter...], created, id) for newest-first keyset pages. */
export async function listIndex(db: Db, table: string, filters: string[] = []): Promise<void> {
  const suffix = filters.length ? `_${filters.join('_')}` : '';
  await db.schema
    .createIndex(`${table}_list${suffix}`)
    .on(table)
    .columns(['merchant_id', 'livemode', ...filters, 'created', 'id'])
    .execute();
}
