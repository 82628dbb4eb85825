import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, freshDatabase, type TestDatabase } from '../../../../test/harness.js';
import { buildApp, type App } from '../../../app.js';
import { loadConfig } from '../../../config.js';
import { migrateToLatest } from '../../../db/migrate.js';
import { openStore, type Store } from '../../../db/store.js';
import { createMerchant, type CreatedMerchant } from '../../../domain/merchants/create-merchant.js';
import { ManualClock } from '../../../lib/clock.js';

/** Card numbers used below, and the digit runs that must never appear in storage or logs. */
const CARDS = ['4000056655665556', '5200828282828210', '4000000000009995', '4000002760003184', '378282246310005'];
const forbidden = (n: string) => [n, n.replace(/(\d{4})/g, '$1 ').trim(), n.slice(0, 12), n.slice(2, 14)];
/**
 * A digit run stands on its own: a needle inside a longer run of digits is another number. (`4000000000009995`'s
 * first twelve digits are a 4 and eleven zeros, which a float such as a log line's `"responseTime":18.24000000000001`
 * holds.) The needles are digits and spaces only, so they need no escaping.
 */
const holds = (text: string, needle: string) => new RegExp(`(?<!\\d)${needle}(?!\\d)`).test(text);

/**
 * Raw card numbers never reach the database or the logs: a server logging at `trace` into memory takes payments,
 * declines, 3-D Secure and invalid cards given as `payment_method_data`, then every table and every log line is
 * searched for the numbers.
 */
describe.each(ENGINES)('card numbers are never stored or logged (%s)', (engine) => {
  let database: TestDatabase;
  let store: Store;
  let app: App;
  let url: string;
  let merchant: CreatedMerchant;
  const logLines: string[] = [];

  beforeAll(async () => {
    database = await freshDatabase(engine);
    const config = loadConfig({ RATE_LIMITS: 'off', LOG_LEVEL: 'trace', PORT: '0', DATABASE_URL: database.url });
    store = openStore(config.databaseUrl, { poolSize: 5 });
    await migrateToLatest(store);
    const clock = new ManualClock(Date.now());
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    app = await buildApp({ store, clock, config, logger: pino({ level: 'trace' }, sink) });
    await app.app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    merchant = await createMerchant(store, clock, 'Card merchant');
  });
  afterAll(async () => {
    await app.app.close();
    await store.close();
    await database.drop();
  });

  it('after payments with card details, no table and no log line holds a card number', async () => {
    const api = client({ url }, merchant.keys.sk_test);
    const customer = (await api.post('/v1/customers', {})).body.id as string;
    for (const number of CARDS) {
      const cvc = number.startsWith('37') ? '1234' : '123';
      const card = { number: number.replace(/(\d{4})/g, '$1 ').trim(), exp_month: 12, exp_year: 2036, cvc };
      const res = await api.post('/v1/payment_intents', { amount: 1_000, currency: 'usd', confirm: true, customer, payment_method_data: { type: 'card', card } });
      expect([200, 402]).toContain(res.status);
      expect(res.text).not.toContain(number);
      // Form encoding too, and the other places card details are accepted.
      await api.post('/v1/payment_intents', undefined, {
        form: `amount=1000&currency=usd&confirm=true&payment_method_data[type]=card&payment_method_data[card][number]=${number}&payment_method_data[card][exp_month]=12&payment_method_data[card][exp_year]=2036&payment_method_data[card][cvc]=${cvc}`,
      });
      await api.post('/v1/payment_methods', { type: 'card', card: { number, exp_month: 1, exp_year: 2037 }, customer });
      await api.post('/v1/setup_intents', { customer, confirm: true, payment_method_data: { type: 'card', card: { number, exp_month: 1, exp_year: 2037 } } });
      // Invalid details are refused without echoing them.
      const bad = await api.post('/v1/payment_intents', {
        amount: 1_000,
        currency: 'usd',
        confirm: true,
        payment_method_data: { type: 'card', card: { number: number.slice(0, -1) + String((Number(number.at(-1)) + 1) % 10), exp_month: 12, exp_year: 2036 } },
      });
      expect(bad.status).toBe(400);
    }

    const tables =
      store.engine === 'sqlite'
        ? ((await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(store.db)).rows.map((r) => r.name))
        : ((await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(store.db)).rows.map(
            (r) => r.name,
          ));
    expect(tables).toEqual(expect.arrayContaining(['payment_methods', 'payment_intents', 'charges', 'idempotency_keys', 'events']));
    let rows = 0;
    for (const table of tables) {
      const result = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(store.db);
      rows += result.rows.length;
      const text = JSON.stringify(result.rows);
      for (const number of CARDS) for (const needle of forbidden(number)) expect(holds(text, needle), `${table} holds ${needle}`).toBe(false);
    }
    expect(rows).toBeGreaterThan(50);

    const logs = logLines.join('');
    expect(logLines.length).toBeGreaterThan(20);
    for (const number of CARDS) for (const needle of forbidden(number)) expect(holds(logs, needle), `the logs hold ${needle}`).toBe(false);
  });
});
