import { sql } from 'kysely';
import type { Db } from '../store.js';

/**
 * List indexes on a column that is often empty hold only the rows that have a value: a guest's PaymentIntent and
 * charge have no customer, a new Checkout Session neither a customer nor a PaymentIntent, a customer's own events
 * no PaymentIntent. Those filters are always an equality (`customer = …`), which implies the column is set, so
 * both engines still use the index for them; every write of a row without a value makes one index entry fewer (a
 * guest payment two of its twenty-two).
 */
const PARTIAL: [table: string, column: string][] = [
  ['payment_intents', 'customer'],
  ['charges', 'customer'],
  ['checkout_sessions', 'customer'],
  ['checkout_sessions', 'payment_intent'],
  ['events', 'payment_intent'],
  ['setup_intents', 'customer'],
  ['payment_methods', 'customer'],
  ['orders', 'customer'],
  ['customers', 'email'],
];

const indexName = (table: string, column: string) => `${table}_list_${column}`;

export async function up(db: Db): Promise<void> {
  for (const [table, column] of PARTIAL) {
    await db.schema.dropIndex(indexName(table, column)).execute();
    await db.schema
      .createIndex(indexName(table, column))
      .on(table)
      .columns(['merchant_id', 'livemode', column, 'created', 'id'])
      .where(sql.ref(column), 'is not', null)
      .execute();
  }
}

export async function down(db: Db): Promise<void> {
  for (const [table, column] of PARTIAL) {
    await db.schema.dropIndex(indexName(table, column)).execute();
    await db.schema
      .createIndex(indexName(table, column))
      .on(table)
      .columns(['merchant_id', 'livemode', column, 'created', 'id'])
      .execute();
  }
}
