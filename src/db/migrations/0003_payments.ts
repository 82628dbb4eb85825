import type { Db } from '../store.js';
import { listIndex, objectTable } from './helpers.js';

/**
 * Money movement: PaymentIntents, Charges, Refunds, PaymentMethods, SetupIntents, the per-merchant key that card
 * fingerprints are keyed with, and the one-time authentication (3-D Secure) challenges of the test processor.
 * Columns beside `data` exist for filters, locks and values that must never be shown in the API object
 * (processor tokens and references).
 */
export async function up(db: Db): Promise<void> {
  await objectTable(db, 'payment_intents')
    .addColumn('customer', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('checkout_session', 'text')
    // The payment method whose authentication completed while the intent waited for a manual confirmation.
    .addColumn('authenticated_payment_method', 'text')
    .execute();
  await listIndex(db, 'payment_intents');
  await listIndex(db, 'payment_intents', ['customer']);

  await objectTable(db, 'charges')
    .addColumn('payment_intent', 'text', (c) => c.notNull())
    .addColumn('customer', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('processor_reference', 'text')
    .execute();
  await listIndex(db, 'charges');
  await listIndex(db, 'charges', ['payment_intent']);
  await listIndex(db, 'charges', ['customer']);

  await objectTable(db, 'refunds')
    .addColumn('payment_intent', 'text', (c) => c.notNull())
    .addColumn('charge', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();
  await listIndex(db, 'refunds');
  await listIndex(db, 'refunds', ['payment_intent']);
  await listIndex(db, 'refunds', ['charge']);

  await objectTable(db, 'payment_methods')
    .addColumn('customer', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('processor_token', 'text', (c) => c.notNull())
    .addColumn('detached', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await listIndex(db, 'payment_methods');
  await listIndex(db, 'payment_methods', ['customer']);

  await objectTable(db, 'setup_intents')
    .addColumn('customer', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();
  await listIndex(db, 'setup_intents');
  await listIndex(db, 'setup_intents', ['customer']);

  await db.schema
    .createTable('card_fingerprint_keys')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();

  // Looked up by the token's hash alone (the authentication page carries no API key); the row names the tenant.
  await db.schema
    .createTable('authentication_challenges')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('intent_type', 'text', (c) => c.notNull())
    .addColumn('intent_id', 'text', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();
}
