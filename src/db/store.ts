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

// int8 and numeric come back as JS numbers: every integer we store (unix seconds, minor units) is below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export function describeDatabaseUrl(url: string): { engine: Engine; target: string } {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { engine: 'postgres', target: url };
  if (url.startsWith('sqlite:')) return { engine: 'sqlite', target: url.slice('sqlite:'.length) };
  throw new Error('DATABASE_URL must start with sqlite: or postgres://');
}

export function openStore(url: string, options: { poolSize?: number } = {}): Store {
  const { engine, target } = describeDatabaseUrl(url);
  return engine === 'postgres' ? openPostgres(target, options.poolSize ?? 20) : openSqlite(target);
}

function openSqlite(path: string): Store {
  const memory = path === ':memory:' || path === '';
  if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new Database(memory ? ':memory:' : path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 10000');
  database.pragma('foreign_keys = ON');
  const db: Db = new Kysely({ dialect: new SqliteDialect({ database }) });
  return {
    engine: 'sqlite',
    db,
    async withTransaction(fn) {
      // Kysely's SQLite driver owns one connection behind a mutex, so transactions of this process run one at a
      // time; BEGIN IMMEDIATE takes the write lock up front so another process cannot interleave a writer.
      return db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (err) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw err;
        }
      });
    },
    async close() {
      await db.destroy();
    },
  };
}

function openPostgres(url: string, poolSize: number): Store {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined); // an idle client's error surfaces on its next use
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
