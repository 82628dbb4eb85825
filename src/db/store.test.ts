import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/harness.js';
import { deferWrite, isUniqueViolation, openStore, type Store } from './store.js';

// The transaction helper on each engine: deferred writes (held back and sent with the next awaited statement on
// PostgreSQL) commit with the transaction or not at all, and carry every value exactly.
describe.each(ENGINES)('transactions and deferred writes (%s)', (engine) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    store = openStore(database.url);
    await sql`create table t (id text primary key, n bigint, s text, b integer)`.execute(store.db);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const count = async (prefix: string) =>
    Number(((await sql<{ c: number }>`select count(*) as c from t where id like ${`${prefix}%`}`.execute(store.db)).rows[0])?.c);

  it('commits deferred writes with the transaction and reads them back inside it', async () => {
    const seen = await store.withTransaction(async (tx) => {
      await deferWrite(tx, tx.insertInto('t').values({ id: 'a1', n: 1, s: 'x', b: 0 }));
      await deferWrite(tx, tx.insertInto('t').values({ id: 'a2', n: 2, s: 'y', b: 1 }));
      const rows = await tx.selectFrom('t').select('id').where('id', 'like', 'a%').orderBy('id').execute();
      await deferWrite(tx, tx.insertInto('t').values({ id: 'a3', n: 3, s: 'z', b: 0 }));
      return rows.map((r) => r.id as string);
    });
    expect(seen).toEqual(['a1', 'a2']);
    expect(await count('a')).toBe(3);
  });

  it('carries every value exactly: quotes, backslashes, dollars, semicolons, unicode, big and negative numbers, null', async () => {
    const values = [
      "it's",
      'back\\slash \\x00 \\n',
      '$1 $$ $tag$ ; -- /* not a comment */',
      "'); drop table t; --",
      'ünïcödé 🚀 \u2028',
      '"double"',
      '',
    ];
    await store.withTransaction(async (tx) => {
      for (const [i, s] of values.entries()) {
        await deferWrite(tx, tx.insertInto('t').values({ id: `v${i}`, n: -(2 ** 52) + i, s, b: null }));
      }
    });
    const rows = await store.db.selectFrom('t').selectAll().where('id', 'like', 'v%').orderBy('id').execute();
    expect(rows.map((r) => r.s as string)).toEqual(values);
    expect(rows.map((r) => Number(r.n))).toEqual(values.map((_, i) => -(2 ** 52) + i));
    expect(rows.every((r) => r.b === null)).toBe(true);
  });

  it('rolls back everything when a deferred write fails, and reports that failure', async () => {
    await store.withTransaction(async (tx) => {
      await deferWrite(tx, tx.insertInto('t').values({ id: 'dup', n: 0, s: '', b: 0 }));
    });
    const err = await store
      .withTransaction(async (tx) => {
        await deferWrite(tx, tx.insertInto('t').values({ id: 'f1', n: 0, s: '', b: 0 }));
        await deferWrite(tx, tx.insertInto('t').values({ id: 'dup', n: 0, s: '', b: 0 }));
        await deferWrite(tx, tx.insertInto('t').values({ id: 'f2', n: 0, s: '', b: 0 }));
        return 'done';
      })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(await count('f')).toBe(0);
  });

  it('rolls back deferred writes when the work throws after them', async () => {
    const err = await store
      .withTransaction(async (tx) => {
        await deferWrite(tx, tx.insertInto('t').values({ id: 'g1', n: 0, s: '', b: 0 }));
        throw new Error('changed my mind');
      })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('changed my mind');
    expect(await count('g')).toBe(0);
  });

  it('reports a deferred failure rather than the aborted statements after it', async () => {
    const err = await store
      .withTransaction(async (tx) => {
        await deferWrite(tx, tx.insertInto('t').values({ id: 'dup', n: 0, s: '', b: 0 }));
        await deferWrite(tx, tx.insertInto('t').values({ id: 'h1', n: 0, s: '', b: 0 }));
        await tx.selectFrom('t').select('id').execute();
      })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(await count('h')).toBe(0);
  });

  it('leaves the connection usable after failures (many transactions through a small pool)', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        store.withTransaction(async (tx) => {
          await deferWrite(tx, tx.insertInto('t').values({ id: i % 3 === 0 ? 'dup' : `p${i}`, n: i, s: `${i}`, b: 0 }));
          const row = await tx.selectFrom('t').select('id').where('id', '=', 'a1').executeTakeFirst();
          return row?.id as string | undefined;
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(40);
    expect(results.every((r) => r.status === 'rejected' || r.value === 'a1')).toBe(true);
    expect(await count('p')).toBe(40);
  });
});
