/**
 * The machine's reference point: a bare Fastify endpoint doing one INSERT per request on the same engine with the
 * durability Railyard gives (on SQLite, WAL with each commit synced before the answer: synchronous=FULL here; PostgreSQL
 * defaults). Started by run.ts.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { openStore } from '../src/db/store.js';

const url = process.env.DATABASE_URL ?? 'sqlite::memory:';
const port = Number(process.env.PORT ?? 0);
// The reference gets the pool that serves it best: 8 connections (measured against 4 and 16; its inserts commit one
// by one, without Railyard's group commit, so more of them in flight help it), not Railyard's default.
const store = openStore(url, { poolSize: 8 });
// Each INSERT commits on its own and is durable when answered: on SQLite that is the connection's own fsync at COMMIT
// (synchronous=FULL), since this endpoint does not go through Railyard's group commit and its off-loop WAL sync.
// Its checkpoints run where SQLite runs them by default, on the committing connection (wal_autocheckpoint = 1000).
if (store.engine === 'sqlite') {
  await sql`pragma synchronous = FULL`.execute(store.db);
  await sql`pragma wal_autocheckpoint = 1000`.execute(store.db);
}
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
