/**
 * The machine's reference point: a bare Fastify endpoint doing one INSERT per request on the same engine with the
 * same durability settings Railyard uses (SQLite WAL + synchronous=FULL; PostgreSQL defaults). Started by run.ts.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { openStore } from '../src/db/store.js';

const url = process.env.DATABASE_URL ?? 'sqlite::memory:';
const port = Number(process.env.PORT ?? 0);
const store = openStore(url);
await sql`create table if not exists bare_insert (id text primary key, created bigint not null, data text not null)`.execute(store.db);

const app = Fastify({ logger: false });
app.post('/bare', async (request) => {
  const row = { id: randomUUID(), created: Math.floor(Date.now() / 1000), data: JSON.stringify(request.body ?? {}) };
  await store.db.insertInto('bare_insert').values(row).execute();
  return row;
});
await app.listen({ port, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`);
