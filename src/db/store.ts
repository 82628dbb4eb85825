import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';

/** The database is typed loosely at this level; repositories give the rows their shapes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = Kysely<any>;

export type Engine = 'sqlite' | 'postgres';

export interface Store {
  engine: Engine;
  db: Db;
  /** Runs fn in one transaction: BEGIN IMMEDIATE on SQLite; on PostgreSQL retried on serialization failures. */
  withTransaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const PG_RETRYABLE = new Set(['40001', '40P01']);
const PG_MAX_ATTEMPTS = 8;
const PG_STATEMENT_CACHE = 500;

// int8 and numeric come back as JS numbers: every integer we store (unix seconds, minor units) is below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export function describeDatabaseUrl(url: string): { engine: Engine; target: string } {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { engine: 'postgres', target: url };
  if (url.startsWith('sqlite:')) return { engine: 'sqlite', target: url.slice('sqlite:'.length) };
  throw new Error('DATABASE_URL must start with sqlite: or postgres://');
}

export function openStore(url: string, options: { poolSize?: number } = {}): Store {
  const { engine, target } = describeDatabaseUrl(url);
  return engine === 'postgres' ? openPostgres(target, options.poolSize ?? 20) : openSqlite(target);
}

/** How many queued transactions one SQLite commit may carry (group commit). */
const SQLITE_MAX_BATCH = 32;
const SQLITE_STATEMENT_CACHE = 2_000;

interface QueuedTransaction {
  fn: (tx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

function openSqlite(path: string): Store {
  const memory = path === ':memory:' || path === '';
  if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new Database(memory ? ':memory:' : path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 10000');
  database.pragma('foreign_keys = ON');
  cachePreparedStatements(database);
  const db: Db = new Kysely({ dialect: new SqliteDialect({ database }) });

  // Group commit. better-sqlite3 is synchronous, so every COMMIT's fsync blocks the process. Transactions are
  // queued and run one after another inside one BEGIN IMMEDIATE … COMMIT, each in its own SAVEPOINT: a failing one
  // rolls back to its savepoint and answers at once; the others are answered only after the shared COMMIT is
  // durable. Nothing is acknowledged before its data is on disk, and one fsync covers a whole batch.
  const queue: QueuedTransaction[] = [];
  let draining = false;

  const runBatch = (conn: Db) => async () => {
    const batch: QueuedTransaction[] = [];
    const results: unknown[] = [];
    await sql`begin immediate`.execute(conn);
    try {
      while (queue.length > 0 && batch.length < SQLITE_MAX_BATCH) {
        const item = queue.shift() as QueuedTransaction;
        await sql`savepoint railyard_tx`.execute(conn);
        try {
          const result = await item.fn(conn);
          await sql`release railyard_tx`.execute(conn);
          batch.push(item);
          results.push(result);
        } catch (err) {
          await sql`rollback to railyard_tx`.execute(conn);
          await sql`release railyard_tx`.execute(conn);
          item.reject(err);
        }
      }
      await sql`commit`.execute(conn);
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      for (const item of batch) item.reject(err);
      return;
    }
    batch.forEach((item, i) => item.resolve(results[i]));
  };

  // better-sqlite3 answers synchronously, so a request can run from its first byte to COMMIT in one stretch of
  // microtasks. Starting each batch from setImmediate lets every request already readable in this turn of the event
  // loop join the batch first.
  const nextTurn = () => new Promise<void>((r) => setImmediate(r));
  const drain = async () => {
    try {
      while (queue.length > 0) {
        await nextTurn();
        await db.connection().execute((conn) => runBatch(conn)());
      }
    } catch (err) {
      // BEGIN itself failed (e.g. the database is locked by another process for too long): fail what waits.
      for (const item of queue.splice(0)) item.reject(err);
    } finally {
      draining = false;
    }
  };

  return {
    engine: 'sqlite',
    db,
    withTransaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      return new Promise<T>((resolvePromise, rejectPromise) => {
        queue.push({ fn, resolve: resolvePromise as (v: unknown) => void, reject: rejectPromise });
        if (!draining) {
          draining = true;
          void drain();
        }
      });
    },
    async close() {
      await db.destroy();
    },
  };
}

/** Kysely prepares every query anew; better-sqlite3 statements are reusable, so keep them by SQL text. */
function cachePreparedStatements(database: Database.Database): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, Database.Statement>();
  database.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (!stmt) {
      if (cache.size >= SQLITE_STATEMENT_CACHE) cache.clear();
      stmt = prepare(source);
      cache.set(source, stmt);
    }
    return stmt;
  }) as typeof database.prepare;
}

function openPostgres(url: string, poolSize: number): Store {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined); // an idle client's error surfaces on its next use
  pool.on('connect', (client) => {
    // Prepared statements save parsing; plans stay per execution, since a generic plan picked for one tenant's
    // parameters can be badly wrong for another's (measured: a list page went from thousands to hundreds per second).
    client.query('set plan_cache_mode = force_custom_plan').catch(() => undefined);
    usePreparedStatements(client);
  });
  const db: Db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  return {
    engine: 'postgres',
    db,
    async withTransaction(fn) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute(fn);
        } catch (err) {
          const code = (err as { code?: unknown }).code;
          if (typeof code === 'string' && PG_RETRYABLE.has(code) && attempt < PG_MAX_ATTEMPTS) {
            await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
            continue;
          }
          throw err;
        }
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

/** True when err is a unique-constraint violation on either engine. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * Runs parameterized queries as named prepared statements, so each connection parses and plans a query text once
 * and afterwards only binds and executes it. Names are derived from the SQL text; node-pg remembers per connection
 * which ones it has prepared.
 */
function usePreparedStatements(client: pg.PoolClient): void {
  const names = new Map<string, string>();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, ...rest: unknown[]) => {
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && rest.length === 0) {
      let name = names.get(text);
      if (!name) {
        if (names.size >= PG_STATEMENT_CACHE) return query(text, values);
        name = `ry_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
        names.set(text, name);
      }
      return query({ name, text, values });
    }
    return query(text, values, ...rest);
  };
}
