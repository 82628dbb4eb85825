import { statSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/harness.js';
import { deferWrite, findGathered, isUniqueViolation, openStore, transactionState, type Store } from './store.js';

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

  it('runs end-of-transaction work inside the transaction, before COMMIT, and forgets it when the transaction ends', async () => {
    const key = Symbol('test');
    expect(transactionState(store.db)).toBeUndefined();
    // Committed: the work writes with the transaction, after the transaction's function returned.
    const order: string[] = [];
    await store.withTransaction((tx) => {
      const state = transactionState(tx)!;
      state.locals.set(key, 'mine');
      state.beforeCommit(async () => {
        order.push('before commit');
        await deferWrite(tx, tx.insertInto('t').values({ id: 'k1', n: 0, s: String(state.locals.get(key)), b: 0 }));
        // Work queued by end-of-transaction work runs too.
        state.beforeCommit(async () => {
          order.push('queued by it');
          await deferWrite(tx, tx.insertInto('t').values({ id: 'k2', n: 0, s: '', b: 0 }));
        });
      });
      order.push('function returned');
      return Promise.resolve();
    });
    expect(order).toEqual(['function returned', 'before commit', 'queued by it']);
    expect(await count('k')).toBe(2);

    // A failing end-of-transaction write rolls the whole transaction back; a function that throws never runs its work.
    const failed = await store
      .withTransaction(async (tx) => {
        await deferWrite(tx, tx.insertInto('t').values({ id: 'k3', n: 0, s: '', b: 0 }));
        transactionState(tx)!.beforeCommit(() => deferWrite(tx, tx.insertInto('t').values({ id: 'k1', n: 0, s: '', b: 0 })));
      })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(failed)).toBe(true);
    let ran = false;
    await store
      .withTransaction((tx) => {
        transactionState(tx)!.beforeCommit(() => Promise.resolve(void (ran = true)));
        return Promise.reject(new Error('no'));
      })
      .catch(() => undefined);
    expect(ran).toBe(false);
    expect(await count('k')).toBe(2);

    // The next transactions (whichever connection or handle they reuse) start with nothing carried over.
    const fresh = await Promise.all(Array.from({ length: 5 }, () => store.withTransaction((tx) => Promise.resolve(transactionState(tx)!.locals.size))));
    expect(fresh).toEqual([0, 0, 0, 0, 0]);
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

  // Transactions whose every statement is held go out whole; on PostgreSQL several may share one commit (group
  // commit). Each must still commit or fail on its own, exactly as it would alone.
  it('commits or fails each whole transaction on its own when many arrive at once', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        store.withTransaction(async (tx) => {
          await deferWrite(tx, tx.insertInto('t').values({ id: `w${i}a`, n: i, s: `${i}`, b: 0 }));
          // Every seventh one collides with a row committed before; every eleventh with another of this burst.
          const second = i % 7 === 0 ? 'dup' : i % 11 === 0 ? 'w-shared' : `w${i}b`;
          await deferWrite(tx, tx.insertInto('t').values({ id: second, n: i, s: `${i}`, b: 1 }));
          return i;
        }),
      ),
    );
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    const sevens = Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 7 === 0);
    const elevens = Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 7 !== 0 && i % 11 === 0);
    // All of the sevens fail, and all but one of the elevens (whichever committed first holds 'w-shared').
    expect(failed.filter((i) => i % 7 === 0)).toEqual(sevens);
    expect(failed.filter((i) => i % 7 !== 0)).toHaveLength(elevens.length - 1);
    for (const r of results) if (r.status === 'rejected') expect(isUniqueViolation(r.reason)).toBe(true);
    for (const [i, r] of results.entries()) if (r.status === 'fulfilled') expect(r.value).toBe(i);
    // Each committed transaction left both of its rows, each failed one neither.
    const rows = await store.db.selectFrom('t').select(['id', 'n']).where('id', 'like', 'w%').execute();
    const committed = new Set(results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : [])));
    expect(rows.filter((r) => String(r.id).endsWith('a')).map((r) => Number(r.n)).sort((a, b) => a - b)).toEqual([...committed]);
    expect(rows).toHaveLength(committed.size * 2);
  });

  it('gathers lookups by id outside transactions on PostgreSQL, each answered with its own row', async () => {
    await sql`create table objs (merchant_id text, livemode integer, id text, data text, primary key (merchant_id, livemode, id))`.execute(store.db);
    const scopes = [['m1', 0], ['m1', 1], ['m2', 0]] as const;
    for (const [m, l] of scopes) {
      for (let i = 0; i < 50; i++) {
        await sql`insert into objs values (${m}, ${l}, ${`o${i}`}, ${JSON.stringify({ m, l, i })})`.execute(store.db);
      }
    }
    // Inside a transaction, and on SQLite, nothing is gathered: the caller reads as usual.
    const inside = await store.withTransaction(async (tx) => {
      const gathered = findGathered(tx, 'objs', 'm1', 0, 'o1');
      await tx.selectFrom('objs').select('id').limit(1).execute();
      return gathered;
    });
    expect(inside).toBeUndefined();
    if (engine === 'sqlite') {
      expect(findGathered(store.db, 'objs', 'm1', 0, 'o1')).toBeUndefined();
      return;
    }
    // Many at once, across scopes, with repeats and ids that exist only in another scope or nowhere.
    const asks = Array.from({ length: 400 }, (_, n) => {
      const [m, l] = scopes[n % 3] as (typeof scopes)[number];
      const i = (n * 7) % 60; // 50..59 do not exist
      return { m, l, id: `o${i}`, expected: i < 50 ? JSON.stringify({ m, l, i }) : undefined };
    });
    const answers = await Promise.all(asks.map((a) => findGathered(store.db, 'objs', a.m, a.l, a.id) ?? Promise.reject(new Error('not gathered'))));
    expect(answers).toEqual(asks.map((a) => a.expected));
    // A row committed before the lookup is asked for is seen.
    await sql`insert into objs values ('m2', 1, 'late', 'yes')`.execute(store.db);
    expect(await findGathered(store.db, 'objs', 'm2', 1, 'late')).toBe('yes');
  });

  it('carries every value exactly when many whole transactions commit together (merged inserts)', async () => {
    // On PostgreSQL the plain INSERTs of a group are merged into one multi-row INSERT per table and column list:
    // every value must still arrive exactly, with the column's type, and a left-out column must take its default.
    const values = ["it's", 'back\\slash', '$1 ; -- /* x */', 'ünï 🚀', '', null];
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        store.withTransaction(async (tx) => {
          const s = values[i % values.length] ?? null;
          const row = i % 4 === 0 ? { id: `m${i}`, n: -(2 ** 52) + i, s } : { id: `m${i}`, n: i, s, b: i % 2 };
          await deferWrite(tx, tx.insertInto('t').values(row));
          await deferWrite(tx, tx.insertInto('t').values({ id: `m${i}x`, n: null, s: `${i}'`, b: 1 }));
        }),
      ),
    );
    const rows = await store.db.selectFrom('t').selectAll().where('id', 'like', 'm%').execute();
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    expect(rows).toHaveLength(240);
    for (let i = 0; i < 120; i++) {
      const a = byId.get(`m${i}`);
      expect(a?.s ?? null).toBe(values[i % values.length] ?? null);
      expect(Number(a?.n)).toBe(i % 4 === 0 ? -(2 ** 52) + i : i);
      expect(a?.b ?? null).toBe(i % 4 === 0 ? null : i % 2);
      const x = byId.get(`m${i}x`);
      expect([x?.n ?? null, x?.s, x?.b]).toEqual([null, `${i}'`, 1]);
    }
  });

  it.runIf(engine === 'postgres')('sends a write that cannot be held as text in order, before and after held ones', async () => {
    // An array parameter cannot be written in as a literal: that write takes the connection and goes out pipelined,
    // after the writes held before it and before those held after it.
    const raw = (tx: typeof store.db, id: string, parts: string[]) => {
      const query = sql`insert into t (id, n, s, b) values (${id}, (select count(*) from t where id like 'r%'), array_to_string(${parts}::text[], ','), 0)`;
      return deferWrite(tx, { compile: () => query.compile(tx), execute: () => query.execute(tx) });
    };
    await store.withTransaction(async (tx) => {
      await deferWrite(tx, tx.insertInto('t').values({ id: 'r1', n: 0, s: 'held', b: 0 }));
      await raw(tx, 'r2', ['a', 'b']);
      await deferWrite(tx, tx.insertInto('t').values({ id: 'r3', n: 2, s: 'held', b: 0 }));
    });
    const rows = await store.db.selectFrom('t').select(['id', 'n', 's']).where('id', 'like', 'r%').orderBy('id').execute();
    expect(rows.map((r) => [String(r.id), Number(r.n), String(r.s)])).toEqual([
      ['r1', 0, 'held'],
      ['r2', 1, 'a,b'],
      ['r3', 2, 'held'],
    ]);
  });

  it.runIf(engine === 'postgres')('releases a failed whole transaction\'s locks before it answers', async () => {
    // The idempotency claim takes a transaction-scoped advisory lock; whoever is told the transaction failed must be
    // able to take the same lock at once (the careful path does exactly that).
    const lock = (tx: typeof store.db, n: number) => deferWrite(tx, { compile: () => sql`select pg_advisory_xact_lock(${n})`.compile(tx), execute: () => sql`select pg_advisory_xact_lock(${n})`.execute(tx) });
    const attempts = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        store
          .withTransaction(async (tx) => {
            await lock(tx, 9000 + i);
            await deferWrite(tx, tx.insertInto('t').values({ id: i % 2 === 0 ? 'dup' : `l${i}`, n: i, s: '', b: 0 }));
          })
          .catch(async (err: unknown) => {
            const taken = await store.withTransaction(async (tx) => {
              const r = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${9000 + i}) as ok`.execute(tx);
              return r.rows[0]?.ok;
            });
            expect(taken).toBe(true);
            throw err;
          }),
      ),
    );
    expect(attempts.filter((r) => r.status === 'rejected')).toHaveLength(20);
    expect(await count('l')).toBe(20);
  });
});

// SQLite's WAL: synced off the event loop before a commit is answered, and copied back into the database file by a
// worker thread rather than by the committing connection; under a steady load the WAL still starts over.
describe('SQLite WAL sync and checkpoints', () => {
  let database: TestDatabase;
  let store: Store;
  let path: string;

  beforeAll(async () => {
    database = await freshDatabase('sqlite');
    path = database.url.slice('sqlite:'.length);
    store = openStore(database.url);
    await sql`create table big (id integer primary key, s text)`.execute(store.db);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const write = (from: number, rows: number) =>
    store.withTransaction(async (tx) => {
      for (let i = from; i < from + rows; i++) await tx.insertInto('big').values({ id: i, s: 'x'.repeat(4000) }).execute();
    });

  it('answers a commit once it is durable: nothing is left to sync then', async () => {
    const pending = write(0, 10);
    await pending;
    expect(store.whenDurable()).toBeUndefined();
  });

  it('lets a reader see a commit before it is durable only through whenDurable, which settles before the write is answered', async () => {
    let answered = false;
    const written = write(10, 10).then(() => {
      answered = true;
    });
    const visible = async () => Number((await sql<{ n: number }>`select count(*) as n from big where id = 10`.execute(store.db)).rows[0]?.n) === 1;
    while (!answered) {
      await new Promise((r) => setImmediate(r));
      if ((await visible()) && !answered) expect(store.whenDurable()).toBeDefined();
    }
    await written;
    expect(store.whenDurable()).toBeUndefined();
  });

  it('copies the WAL into the database file from another thread, and the WAL starts over under a steady load', async () => {
    const before = statSync(path).size;
    // About 80 MB of rows from four writers, a steady stream of small batches: five times the WAL's restart
    // threshold (16 MB). Without restarts the WAL would hold all of it; with them it stays at the threshold plus what
    // is written while a checkpoint runs, and never past twice the threshold plus one batch, however slow the disk
    // makes the checkpoints (the file's size is checked before each batch: 25.7–32.8 MB measured, with and without
    // another process writing to the disk).
    let largestWal = 0;
    const writer = async (w: number) => {
      for (let t = 0; t < 500; t++) {
        await write(1_000 + (w * 500 + t) * 10, 10);
        largestWal = Math.max(largestWal, statSync(`${path}-wal`).size);
      }
    };
    await Promise.all([0, 1, 2, 3].map(writer));
    await expect.poll(() => statSync(path).size, { timeout: 10_000 }).toBeGreaterThan(before + 75_000_000);
    expect(largestWal).toBeLessThan(45_000_000);
    const n = await sql<{ n: number }>`select count(*) as n from big`.execute(store.db);
    expect(Number(n.rows[0]?.n)).toBe(20_020);
  });
});
