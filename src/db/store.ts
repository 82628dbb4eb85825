import { createHash } from 'node:crypto';
import { closeSync, fdatasync, mkdirSync, openSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteDialect,
  sql,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
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
  /**
   * Settles once everything committed so far is durable, or is undefined when it already is. On SQLite a commit is
   * visible before its WAL is synced (the sync runs off the event loop), so a response that shows data read outside
   * a transaction waits for this first; PostgreSQL commits are durable before they are visible.
   */
  whenDurable(): Promise<void> | undefined;
  close(): Promise<void>;
}

const PG_RETRYABLE = new Set(['40001', '40P01']);
const PG_MAX_ATTEMPTS = 8;
const PG_STATEMENT_CACHE = 500;
/** How many whole transactions one PostgreSQL commit may carry (group commit, see `CommitGroups`). */
const PG_MAX_GROUP = 16;
/** How many lookups by id one gathered read may carry (see `ReadGroups`). */
const PG_MAX_READ_GROUP = 64;
/**
 * PostgreSQL connections per process unless told otherwise (DATABASE_POOL_SIZE). Few connections beat many: with
 * 50 clients on a 2-core machine, 4 connections served 10–40% more PaymentIntents than 8 (and 8 about 20% more
 * writes than 20), at less of PostgreSQL's CPU per request, because fewer backends compete for the CPU and each
 * commit's WAL flush carries more transactions (docs/decisions.md).
 */
export const DEFAULT_POOL_SIZE = 4;

// int8 and numeric come back as JS numbers: every integer we store (unix seconds, minor units) is below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/**
 * What a transaction carries besides its statements: values its writers share (`locals`) and work to do at its end
 * (`beforeCommit`), run after the transaction's function returned and before COMMIT, in the transaction. Only
 * a transaction opened by `withTransaction` has one; it is gone when the transaction ends, committed or not.
 */
export interface TransactionState {
  locals: Map<symbol, unknown>;
  beforeCommit(work: () => Promise<void>): void;
}

interface OpenTransaction extends TransactionState {
  hooks: (() => Promise<void>)[];
}

const openTransactions = new Map<Db, OpenTransaction>();

/** The state of the transaction `tx` is, or undefined when `tx` is not a transaction opened by withTransaction. */
export function transactionState(tx: Db): TransactionState | undefined {
  return openTransactions.get(tx);
}

function openTransaction(tx: Db): void {
  const hooks: (() => Promise<void>)[] = [];
  openTransactions.set(tx, { locals: new Map(), hooks, beforeCommit: (work) => hooks.push(work) });
}

/** Runs the transaction's end-of-transaction work, including work that work queued (the loop sees what is pushed). */
async function runBeforeCommit(tx: Db): Promise<void> {
  for (const hook of openTransactions.get(tx)?.hooks ?? []) await hook();
}

export function describeDatabaseUrl(url: string): { engine: Engine; target: string } {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { engine: 'postgres', target: url };
  if (url.startsWith('sqlite:')) return { engine: 'sqlite', target: url.slice('sqlite:'.length) };
  throw new Error('DATABASE_URL must start with sqlite: or postgres://');
}

export function openStore(url: string, options: { poolSize?: number } = {}): Store {
  const { engine, target } = describeDatabaseUrl(url);
  return engine === 'postgres' ? openPostgres(target, options.poolSize ?? DEFAULT_POOL_SIZE) : openSqlite(target);
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
  // Durability is the WAL's fsync, done by `WalSync` off the event loop before anything is acknowledged (see below):
  // with FULL, SQLite would do it inside COMMIT, blocking the process for every batch.
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 10000');
  database.pragma('foreign_keys = ON');
  // Each transaction of a batch runs in a savepoint, and SQLite keeps the pages it changes in a statement journal to
  // roll back to: in memory rather than a temporary file (measured under PaymentIntent load: the journal's writes
  // were about an eighth of the server's CPU, most of it in system calls). Durability is the WAL's, unchanged.
  database.pragma('temp_store = MEMORY');
  // SQLite's own lower() folds ASCII letters only, so a search for "élan" missed "ÉLAN" (PostgreSQL folds them all).
  database.function('lower', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text));
  cachePreparedStatements(database);
  const db: Db = new Kysely({ dialect: new SqliteDialect({ database }) });
  const walPath = `${resolve(path)}-wal`;
  const wal = memory ? undefined : new WalSync(walPath);
  const checkpointer = memory ? undefined : new Checkpointer(database, resolve(path), walPath);

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
        openTransaction(conn);
        try {
          const result = await item.fn(conn);
          await runBeforeCommit(conn);
          await sql`release railyard_tx`.execute(conn);
          batch.push(item);
          results.push(result);
        } catch (err) {
          await sql`rollback to railyard_tx`.execute(conn);
          await sql`release railyard_tx`.execute(conn);
          item.reject(err);
        } finally {
          openTransactions.delete(conn);
        }
      }
      await sql`commit`.execute(conn);
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      for (const item of batch) item.reject(err);
      return;
    }
    checkpointer?.committed();
    const durable = wal?.committed();
    if (!durable) {
      batch.forEach((item, i) => item.resolve(results[i]));
      return;
    }
    // Answered once the WAL is synced; the next batch runs meanwhile. A failed sync fails the batch: its data may
    // not survive a crash, so nobody is told it was stored.
    durable.then(
      () => batch.forEach((item, i) => item.resolve(results[i])),
      (err: unknown) => batch.forEach((item) => item.reject(err)),
    );
  };

  // better-sqlite3 answers synchronously, so a request can run from its first byte to COMMIT in one stretch of
  // microtasks. Starting each batch from setImmediate lets every request already readable in this turn of the event
  // loop join the batch first.
  const nextTurn = () => new Promise<void>((r) => setImmediate(r));
  const drain = async () => {
    try {
      while (queue.length > 0) {
        await nextTurn();
        await checkpointer?.beforeBatch();
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
    whenDurable: () => wal?.whenDurable(),
    async close() {
      await checkpointer?.close();
      await wal?.whenDurable();
      wal?.close();
      await db.destroy();
    },
  };
}

/**
 * The fsync of SQLite's WAL, off the event loop. The connection runs with `synchronous = NORMAL`, so a COMMIT only
 * writes its frames into the WAL (the OS keeps them through a crash of this process); this syncs the file in libuv's
 * thread pool and settles the commits it covers. One sync covers every commit before it started, so under load a
 * sync in flight gathers the commits that arrive meanwhile into the next one. SQLite never deletes or replaces the
 * WAL while a connection is open, so the descriptor stays the file's.
 */
class WalSync {
  private fd: number | undefined;
  private commits = 0;
  private synced = 0;
  private syncing = false;
  private waiters: { upTo: number; resolve: () => void; reject: (err: unknown) => void }[] = [];

  constructor(private readonly path: string) {}

  /** Registers a commit; the promise settles when it is durable. */
  committed(): Promise<void> {
    this.commits += 1;
    return this.waitForCommits();
  }

  whenDurable(): Promise<void> | undefined {
    return this.synced >= this.commits ? undefined : this.waitForCommits();
  }

  /** Settles when every commit so far is synced; starts a sync if none is running (also after a failed one). */
  private waitForCommits(): Promise<void> {
    const upTo = this.commits;
    const promise = new Promise<void>((resolvePromise, rejectPromise) => {
      this.waiters.push({ upTo, resolve: resolvePromise, reject: rejectPromise });
    });
    this.sync();
    return promise;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private sync(): void {
    if (this.syncing || this.synced >= this.commits) return;
    this.syncing = true;
    const upTo = this.commits;
    const done = (err: NodeJS.ErrnoException | null) => {
      this.syncing = false;
      if (err) {
        // Nothing since the last good sync is known to be on disk: everybody waiting is told, and the next commit
        // or reader tries again (no retry loop against a failing disk).
        const failed = this.waiters;
        this.waiters = [];
        for (const w of failed) w.reject(err);
        return;
      }
      const settled = this.waiters.filter((w) => w.upTo <= upTo);
      this.waiters = this.waiters.filter((w) => w.upTo > upTo);
      this.synced = upTo;
      for (const w of settled) w.resolve();
      this.sync();
    };
    try {
      this.fd ??= openSync(this.path, 'r');
    } catch (err) {
      done(err as NodeJS.ErrnoException);
      return;
    }
    fdatasync(this.fd, done);
  }
}

/** WAL pages after which writes pause for a checkpoint that catches up, so the WAL starts over (see Checkpointer). */
const SQLITE_WAL_RESTART_PAGES = 4_000;
/**
 * The WAL file's size, in multiples of the restart threshold, past which writes pause for a catching-up checkpoint
 * whatever the last checkpoint reported: a checkpoint slowed by a busy disk no longer lets writes run on unbounded.
 */
const SQLITE_WAL_HARD_LIMIT_FACTOR = 2;
/** Pause between two checkpoints under load: each syncs both files, so fewer and larger copies cost less. */
const SQLITE_CHECKPOINT_GAP_MS = 100;
/** A checkpoint at least this often, for writes made outside transactions. */
const SQLITE_CHECKPOINT_IDLE_MS = 5_000;

/**
 * Copies SQLite's WAL back into the database file on a worker thread with its own connection (PASSIVE checkpoints,
 * which never block the writer), instead of on the committing connection, where each copy stalled the event loop for
 * about 20 ms every few batches. The WAL starts over from its beginning only when a write begins with every page
 * already copied, which a steady load rarely allows; so once it holds SQLITE_WAL_RESTART_PAGES pages, the next
 * batch waits for one checkpoint begun after the last commit (the event loop goes on serving everything else).
 * That count is the last checkpoint's; while a checkpoint is slow (a busy disk), writes could run on past it, so the
 * WAL file's size is checked too: SQLite trims the file to `journal_size_limit` when the WAL starts over, so a file
 * past twice the threshold means a log that long, and the next batch waits the same way.
 */
class Checkpointer {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (r: { log: number; checkpointed: number }) => void>();
  private nextId = 1;
  private running = false;
  private dirty = false;
  private walPages = 0;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly walHardLimitBytes: number;

  constructor(
    database: Database.Database,
    path: string,
    private readonly walPath: string,
  ) {
    database.pragma('wal_autocheckpoint = 0');
    const restartBytes = SQLITE_WAL_RESTART_PAGES * Number(database.pragma('page_size', { simple: true }));
    database.pragma(`journal_size_limit = ${restartBytes}`);
    this.walHardLimitBytes = SQLITE_WAL_HARD_LIMIT_FACTOR * restartBytes;
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const Database = require(workerData.driver);
      const db = new Database(workerData.path);
      db.pragma('busy_timeout = 0');
      parentPort.on('message', (m) => {
        if (m === 'close') { db.close(); parentPort.close(); return; }
        let log = -1, checkpointed = -1;
        try { const r = db.pragma('wal_checkpoint(PASSIVE)')[0]; log = r.log; checkpointed = r.checkpointed; } catch {}
        parentPort.postMessage({ id: m, log, checkpointed });
      });`;
    this.worker = new Worker(source, {
      eval: true,
      workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path },
    });
    this.worker.unref();
    this.worker.on('message', (m: { id: number; log: number; checkpointed: number }) => {
      const resolvePending = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolvePending?.(m);
    });
    // Should the thread fail, the committing connection checkpoints again, as SQLite does by default.
    const stop = () => {
      if (!this.closed) database.pragma('wal_autocheckpoint = 1000');
      this.closed = true;
      for (const settle of this.pending.values()) settle({ log: 0, checkpointed: 0 });
      this.pending.clear();
    };
    this.worker.on('error', stop);
    this.worker.on('exit', stop);
    // Writes outside a transaction (a retention sweep, a key's last use) commit without `committed()`: a slow timer
    // copies those too, so a server that only sweeps still checkpoints.
    this.timer = setInterval(() => this.committed(), SQLITE_CHECKPOINT_IDLE_MS);
    this.timer.unref();
  }

  /** After a commit: run a checkpoint, or another once the one in flight is done. */
  committed(): void {
    this.dirty = true;
    if (!this.running) void this.run();
  }

  /** Before a batch: when the WAL has grown long, wait for a checkpoint with no write behind it. */
  async beforeBatch(): Promise<void> {
    // The worker answers in order, so this checkpoint starts after any in flight, and no write follows it.
    if (this.closed) return;
    if (this.walPages >= SQLITE_WAL_RESTART_PAGES || this.walFileBytes() > this.walHardLimitBytes) await this.checkpoint(true);
  }

  private walFileBytes(): number {
    try {
      return statSync(this.walPath).size;
    } catch {
      return 0;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    const exited = new Promise((r) => this.worker.once('exit', r));
    this.worker.ref(); // the process waits for the thread to close its connection
    this.worker.postMessage('close');
    await exited;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.dirty && !this.closed) {
        this.dirty = false;
        await this.checkpoint();
        await new Promise((r) => setTimeout(r, SQLITE_CHECKPOINT_GAP_MS).unref());
      }
    } finally {
      this.running = false;
    }
  }

  /** One PASSIVE checkpoint; `catchUp` when no write follows it, so that a WAL it copied whole starts over. */
  private checkpoint(catchUp = false): Promise<void> {
    if (this.closed) return Promise.resolve();
    const id = this.nextId++;
    return new Promise<void>((resolvePromise) => {
      this.pending.set(id, (r) => {
        this.walPages = catchUp && r.checkpointed === r.log ? 0 : r.log;
        resolvePromise();
      });
      this.worker.postMessage(id);
    });
  }
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
  // Pipeline mode: a query is written to the socket at once, without waiting for the answers to those before it.
  // Transactions use it to send writes whose results nobody reads together with the statement after them.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, pipeline: true });
  pool.on('error', () => undefined); // an idle client's error surfaces on its next use
  pool.on('connect', (client) => {
    // Prepared statements save parsing; plans stay per execution, since a generic plan picked for one tenant's
    // parameters can be badly wrong for another's (measured: a list page went from thousands to hundreds per second).
    client.query('set plan_cache_mode = force_custom_plan').catch(() => undefined);
    // The objects' JSON (an event carries a whole object) is often long enough to be compressed on insert: lz4 does
    // that for a fraction of the CPU of the default pglz (which was about 8% of PostgreSQL's CPU under PaymentIntent
    // load). A server built without lz4, or an engine without the setting, keeps its default.
    client.query('set default_toast_compression = lz4').catch(() => undefined);
    usePreparedStatements(client);
  });
  const db: Db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  // Commit groups and gathered reads may each hold half the pool at a time.
  const half = Math.max(1, Math.ceil(poolSize / 2));
  const groups = new CommitGroups(pool, half, PG_MAX_GROUP);
  const handles: Db[] = [];
  const makeHandle = () => boundKysely(new Pipeline(pool, groups, db));
  readGroups.set(db, new ReadGroups(db, half, PG_MAX_READ_GROUP));
  return {
    engine: 'postgres',
    db,
    async withTransaction(fn) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await pipelinedTransaction(handles, makeHandle, fn);
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
    whenDurable: () => undefined,
    async close() {
      await db.destroy();
    },
  };
}

/**
 * One PostgreSQL transaction, sent in as few round trips as possible. Writes whose results nobody reads
 * (`deferWrite`) are held back with their parameters written in as literals, and leave together with the next
 * statement that is awaited, as one multi-statement message: BEGIN travels with the first read, and the last writes
 * with the COMMIT. PostgreSQL runs such a message in order and stops at the first error, which leaves the transaction
 * aborted, so nothing after a failed write is committed; the failure is what the transaction reports. A statement
 * that cannot be written as literals is sent on its own, pipelined.
 *
 * The connection is taken from the pool only when a statement must be sent before the COMMIT. A transaction that
 * never needs one (every statement held: a customer create, a PaymentIntent created and confirmed) is handed whole
 * to the commit groups (`CommitGroups`), which may carry it in one PostgreSQL transaction with others.
 */
class Pipeline {
  /** Held statements (literals written in), not yet sent. */
  private held: string[] = [];
  /** For each held write while nothing was sent: how it can be merged with others (see `MergeableRow`). */
  private rows: (MergeableRow | undefined)[] = [];
  /** Sent statements whose answers nobody awaits yet. */
  private pending: Promise<void>[] = [];
  private corked = false;
  private client: pg.PoolClient | undefined;
  private connecting: Promise<pg.PoolClient> | undefined;
  failure: unknown;

  constructor(
    private readonly pool: pg.Pool,
    private readonly groups: CommitGroups,
    /** The store's own handle, outside any transaction (see `committedReader`). */
    readonly outside: Db,
  ) {}

  /** True once the transaction has a connection (something was sent before its COMMIT). */
  get connected(): boolean {
    return this.connecting !== undefined;
  }

  /** Starts a transaction: BEGIN is held until the first statement that is sent. */
  open(): void {
    this.held = ['begin'];
    this.rows = [];
    this.pending = [];
    this.failure = undefined;
    this.client = undefined;
    this.connecting = undefined;
  }

  /** Holds a write until the next awaited statement. */
  defer(compiled: { sql: string; parameters: readonly unknown[] }): void {
    const literal = literalForm(compiled.sql, compiled.parameters);
    if (literal !== undefined) {
      this.held.push(literal.text);
      if (this.connecting === undefined) this.rows.push(literal.row);
      return;
    }
    const client = this.client;
    if (client) {
      this.flush(client);
      this.track(this.query(client, compiled.sql, compiled.parameters));
      return;
    }
    // The held statements are taken now, so that they go out before anything deferred or run after this one.
    const before = this.held.splice(0);
    this.track(
      this.connect().then((c) => {
        if (before.length > 0) this.track(this.send(c, before));
        return this.query(c, compiled.sql, compiled.parameters);
      }),
    );
  }

  /** Runs an awaited statement, carrying the held ones in front of it. */
  async run(compiled: { sql: string; parameters: readonly unknown[] }): Promise<pg.QueryResult> {
    const client = this.client ?? (await this.connect());
    if (this.held.length > 0) {
      const literal = literalForm(compiled.sql, compiled.parameters);
      if (literal !== undefined) return this.send(client, this.held.splice(0), literal.text);
      this.flush(client);
    }
    return this.query(client, compiled.sql, compiled.parameters);
  }

  /**
   * Commits: the held statements and COMMIT as one message on the transaction's connection, or, when it never took
   * one, the whole transaction through the commit groups. Throws the transaction's first failure.
   */
  async commit(): Promise<void> {
    if (this.connecting === undefined) {
      const statements = this.held.splice(1);
      if (statements.length > 0) await this.groups.submit(statements, this.rows.splice(0));
      return;
    }
    const client = this.client ?? (await this.connect());
    const committing = this.send(client, this.held.splice(0), 'commit');
    committing.catch(() => undefined); // awaited below, after the writes sent before it
    await this.settle();
    const committed = await committing;
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the driver's own error, rethrown as is
    if (this.failure !== undefined) throw this.failure;
    if (committed.command !== 'COMMIT') throw new Error(`PostgreSQL answered COMMIT with ${committed.command}`);
  }

  /**
   * Ends the transaction's use of the pool: gives its connection back, if it took one, after rolling back what was
   * sent unless it committed (a connection that cannot roll back is destroyed).
   */
  async finish(committed: boolean): Promise<void> {
    const client = this.connecting ? await this.connecting.catch(() => undefined) : undefined;
    this.connecting = undefined;
    this.client = undefined;
    this.held = [];
    this.rows = [];
    if (client) client.release(committed ? undefined : await rollback(client));
  }

  /** Waits for every pipelined write's answer; never throws (see `failure`). */
  async settle(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }

  private connect(): Promise<pg.PoolClient> {
    this.connecting ??= this.pool.connect().then((c) => (this.client = c));
    return this.connecting;
  }

  private flush(client: pg.PoolClient): void {
    if (this.held.length > 0) this.track(this.send(client, this.held.splice(0)));
  }

  /** One simple-protocol message with the statements (and `last`); resolves to the last statement's result. */
  private async send(client: pg.PoolClient, statements: string[], last?: string): Promise<pg.QueryResult> {
    if (last !== undefined) statements.push(last);
    this.cork(client);
    return lastResult(await client.query(concatenated(statements, ';\n')));
  }

  private query(client: pg.PoolClient, text: string, values: readonly unknown[]): Promise<pg.QueryResult> {
    this.cork(client);
    return client.query(text, values as unknown[]);
  }

  private track(sent: Promise<unknown>): void {
    this.pending.push(
      sent.then(
        () => undefined,
        (err: unknown) => {
          this.failure ??= err;
        },
      ),
    );
  }

  /**
   * Holds the socket's writes until the current run of callbacks and promise reactions is over, so statements sent
   * back to back leave in one system call.
   */
  private cork(client: pg.PoolClient): void {
    if (this.corked) return;
    const stream = (client as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection
      ?.stream;
    if (!stream?.cork || !stream.uncork) return;
    this.corked = true;
    stream.cork();
    process.nextTick(() => {
      this.corked = false;
      stream.uncork?.();
    });
  }
}

/** A multi-statement message's answer: the last statement's result. */
function lastResult(result: pg.QueryResult | pg.QueryResult[]): pg.QueryResult {
  return Array.isArray(result) ? (result[result.length - 1] as pg.QueryResult) : result;
}

/**
 * A held write that a group may merge with others of the same shape into one statement: a plain single-row
 * `insert into t (columns) values (…)`, or a call `select f(…)` of one argument. `head` + the rows' `row`s joined by
 * commas + `tail` is the merged statement.
 */
interface MergeableRow {
  head: string;
  row: string;
  tail: string;
}

/** A mergeable statement text's shape: its row is its literal form from `skip` on, `(…)`. */
interface MergeShape {
  head: string;
  tail: string;
  skip: number;
}

const PLAIN_INSERT = /^(insert into "[a-z0-9_]+" \([a-z0-9_", ]+\) values )\(\$\d+(?:, \$\d+)*\)$/;
const ONE_ARGUMENT_CALL = /^(select ([a-z0-9_]+))\(\$1\)$/;

function mergeShape(sql: string): MergeShape | undefined {
  const insert = PLAIN_INSERT.exec(sql);
  if (insert) {
    const head = insert[1] as string;
    return { head, tail: '', skip: head.length };
  }
  const call = ONE_ARGUMENT_CALL.exec(sql);
  if (call) {
    const [, select, name] = call as unknown as [string, string, string];
    return { head: `select ${name}(a) from (values `, tail: ') as v(a)', skip: select.length };
  }
  return undefined;
}

/**
 * A group's statements with the writes of the same shape merged: one multi-row INSERT per table and column list, one
 * call per function over a VALUES list, in the order each shape first appears. PostgreSQL parses, analyses and plans
 * one statement instead of one per request (a PaymentIntent create+confirm holds ten). Only when every statement of
 * the group can be merged: then each is an INSERT of a new row or a claim, and no table has a foreign key, a trigger
 * or a generated key, so their order inside the one transaction does not change what it commits; any failure fails
 * the whole group, whose transactions are then sent one by one, unmerged. Undefined when some statement cannot be
 * merged.
 */
function merged(rows: (MergeableRow | undefined)[]): string[] | undefined {
  const shapes = new Map<string, { tail: string; rows: string[] }>();
  for (const r of rows) {
    if (r === undefined) return undefined;
    const shape = shapes.get(r.head);
    if (shape) shape.rows.push(r.row);
    else shapes.set(r.head, { tail: r.tail, rows: [r.row] });
  }
  return [...shapes].map(([head, shape]) => head + concatenated(shape.rows, ', ') + shape.tail);
}

interface GroupedTransaction {
  statements: string[];
  rows: (MergeableRow | undefined)[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for PostgreSQL. Transactions that arrive whole (every statement held, see `Pipeline`) queue here, and
 * at most `concurrency` groups are sent at a time: each group is one message, `begin; <every transaction's
 * statements>; commit`, so one BEGIN, one COMMIT, one WAL flush and one round trip carry up to `size` requests. At
 * light load a transaction finds a free slot and goes alone, at once; under load the queue fills while the slots
 * are busy, and groups grow. Nobody is answered before the COMMIT that carries their writes has succeeded.
 *
 * When a group fails (one transaction's statement failed: an idempotency key claimed twice, a unique key, a
 * deadlock), nothing of it was committed, and its transactions are sent again one by one on the same connection,
 * each in its own transaction: each then commits or fails exactly as it would have alone. A connection that breaks
 * fails the whole group, as it fails a single transaction whose COMMIT went unanswered.
 */
class CommitGroups {
  private queue: GroupedTransaction[] = [];
  private sending = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly concurrency: number,
    private readonly size: number,
  ) {}

  submit(statements: string[], rows: (MergeableRow | undefined)[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ statements, rows, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.sending < this.concurrency && this.queue.length > 0) {
      const group = this.queue.splice(0, this.size);
      this.sending++;
      void this.send(group).finally(() => {
        this.sending--;
        this.pump();
      });
    }
  }

  private async send(group: GroupedTransaction[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      for (const t of group) t.reject(err);
      return;
    }
    let broken: Error | undefined;
    try {
      if (group.length > 1) {
        const rows = merged(group.flatMap((t) => t.rows));
        const failure = await this.commit(client, rows ?? group.flatMap((t) => t.statements));
        if (failure === undefined) {
          for (const t of group) t.resolve();
          return;
        }
        broken = await rollback(client);
        if (broken !== undefined || !isStatementError(failure)) {
          for (const t of group) t.reject(failure);
          return;
        }
      }
      for (const [i, t] of group.entries()) {
        const failure = await this.commit(client, t.statements);
        if (failure === undefined) {
          t.resolve();
          continue;
        }
        // Rolled back before it is answered: its locks (the idempotency key's) are released by then.
        broken = await rollback(client);
        t.reject(failure);
        if (broken !== undefined) {
          for (const rest of group.slice(i + 1)) rest.reject(broken);
          return;
        }
      }
    } finally {
      client.release(broken);
    }
  }

  /** Sends one transaction (BEGIN, the statements, COMMIT) as one message; returns its failure, if any. */
  private async commit(client: pg.PoolClient, statements: string[]): Promise<unknown> {
    try {
      const committed = lastResult(await client.query(`begin;\n${concatenated(statements, ';\n')};\ncommit`));
      return committed.command === 'COMMIT'
        ? undefined
        : new Error(`PostgreSQL answered COMMIT with ${committed.command}`);
    } catch (err) {
      return err;
    }
  }
}

/** Ends an aborted transaction; returns the error when the connection cannot even do that. */
async function rollback(client: pg.PoolClient): Promise<Error | undefined> {
  try {
    await client.query('rollback');
    return undefined;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** An error PostgreSQL reported for a statement (it has a SQLSTATE), not a broken connection. */
function isStatementError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/** Transaction handles not in use: a Kysely instance bound to its pipeline, made once and reused. */
const pipelines = new WeakMap<Db, Pipeline>();

async function pipelinedTransaction<T>(handles: Db[], make: () => Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const tx = handles.pop() ?? make();
  const pipeline = pipelines.get(tx) as Pipeline;
  pipeline.open();
  openTransaction(tx);
  let committed = false;
  try {
    let result: T;
    try {
      result = await fn(tx);
      await runBeforeCommit(tx);
    } catch (err) {
      // A held write's failure explains the "transaction is aborted" errors of the statements after it.
      await pipeline.settle();
      throw pipeline.failure ?? err;
    }
    await pipeline.commit();
    committed = true;
    return result;
  } finally {
    openTransactions.delete(tx);
    await pipeline.finish(committed);
    handles.push(tx);
  }
}

/**
 * A string as a PostgreSQL literal: quotes doubled, and when it holds a backslash the escape-string form with
 * backslashes doubled too, which reads the same whatever `standard_conforming_strings` says (as pg.escapeLiteral,
 * without its character-by-character loop).
 */
function quote(text: string): string {
  const quoted = text.includes("'") ? text.replace(/'/g, "''") : text;
  return text.includes('\\') ? ` E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/** Parameters that are sent as text anyway, written into the statement as quoted literals (same typing: unknown). */
function literal(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return Number.isFinite(value) ? `'${String(value)}'` : undefined;
  if (typeof value === 'bigint') return `'${value.toString()}'`;
  if (typeof value === 'boolean') return value ? "'true'" : "'false'";
  return undefined;
}

const TOKENS = /'(?:[^']|'')*'|"(?:[^"]|"")*"|\$\d+|\$|;|--|\/\*/g;

/**
 * A statement text cut at its parameter placeholders: `parts[0] $positions[0] parts[1] …`; null when the text holds
 * something that must not be rewritten (a `$` that is not a placeholder, a `;`, a comment).
 */
interface Template {
  parts: string[];
  positions: number[];
  /** Set when a group may merge the statement with others (see `merged`). */
  shape: MergeShape | undefined;
}

/** Templates by statement text: a statement's text is the same on every request, so it is cut once. */
const templates = new Map<string, Template | null>();
const TEMPLATE_CACHE = 1000;

function template(text: string): Template | null {
  let cut = templates.get(text);
  if (cut !== undefined) return cut;
  const parts: string[] = [];
  const positions: number[] = [];
  let from = 0;
  let failed = false;
  for (const match of text.matchAll(TOKENS)) {
    const token = match[0];
    if (token.startsWith("'") || token.startsWith('"')) continue;
    const position = token.length > 1 && token.startsWith('$') ? Number(token.slice(1)) : 0;
    if (position < 1) {
      failed = true;
      break;
    }
    parts.push(text.slice(from, match.index));
    positions.push(position);
    from = match.index + token.length;
  }
  parts.push(text.slice(from));
  cut = failed ? null : { parts, positions, shape: mergeShape(text) };
  if (templates.size >= TEMPLATE_CACHE) templates.clear();
  templates.set(text, cut);
  return cut;
}

/**
 * `sql` with each `$n` replaced by its parameter as a literal, and its row when a group may merge it (see
 * `merged`); undefined when that cannot be done safely.
 */
function literalForm(
  text: string,
  parameters: readonly unknown[],
): { text: string; row: MergeableRow | undefined } | undefined {
  const cut = template(text);
  if (cut === null) return undefined;
  // Everything after the first placeholder's text, built by `+`: V8 keeps it as a rope, and the statement's JSON is
  // copied once, when the message is written, rather than at every step that assembles it (see `concatenated`).
  let rest = '';
  for (let i = 0; i < cut.positions.length; i++) {
    const position = cut.positions[i] as number;
    const lit = position <= parameters.length ? literal(parameters[position - 1]) : undefined;
    if (lit === undefined) return undefined;
    rest += lit + (cut.parts[i + 1] as string);
  }
  const first = cut.parts[0] as string;
  const shape = cut.shape;
  return {
    text: first + rest,
    row: shape && { head: shape.head, row: first.slice(shape.skip) + rest, tail: shape.tail },
  };
}

/**
 * `parts` joined by `separator`, built by `+` rather than `join`: `join` copies every part (a statement's JSON
 * literal, kilobytes) into a new string, where `+` links them, and the one copy is made when the driver encodes the
 * message. Measured under PaymentIntent load, the joins were the largest single source of the server's garbage.
 */
function concatenated(parts: readonly string[], separator: string): string {
  let out = parts[0] ?? '';
  for (let i = 1; i < parts.length; i++) out += separator + (parts[i] as string);
  return out;
}

/** A Kysely instance whose every query runs through `pipeline` (the transaction's statements and connection). */
function boundKysely(pipeline: Pipeline): Db {
  const connection: DatabaseConnection = {
    async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
      const { command, rowCount, rows } = await pipeline.run(compiled);
      const affected = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
      return { rows: rows as R[], ...(affected ? { numAffectedRows: BigInt(rowCount ?? 0) } : {}) };
    },
    streamQuery(): never {
      throw new Error('Streaming is not used inside transactions.');
    },
  };
  const driver: Driver = {
    init: () => Promise.resolve(),
    acquireConnection: () => Promise.resolve(connection),
    beginTransaction: () => Promise.reject(new Error('Nested transactions are not used.')),
    commitTransaction: () => Promise.reject(new Error('Nested transactions are not used.')),
    rollbackTransaction: () => Promise.reject(new Error('Nested transactions are not used.')),
    releaseConnection: () => Promise.resolve(),
    destroy: () => Promise.resolve(),
  };
  const db: Db = new Kysely({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  pipelines.set(db, pipeline);
  return db;
}

/**
 * A write whose result the caller does not need (an INSERT of a new object, an event, an outbox row). Inside a
 * PostgreSQL transaction it is pipelined: sent at once and not awaited, so it shares a round trip with the next
 * statement or the COMMIT; its failure fails the whole transaction. Everywhere else it simply runs.
 */
export async function deferWrite(
  db: Db,
  query: { compile(): CompiledQuery; execute(): Promise<unknown> },
): Promise<void> {
  const pipeline = pipelines.get(db);
  if (!pipeline) {
    await query.execute();
    return;
  }
  pipeline.defer(query.compile());
}

/** `deferWrite` for a statement already compiled. */
export async function deferStatement(db: Db, statement: CompiledQuery): Promise<void> {
  const pipeline = pipelines.get(db);
  if (pipeline) pipeline.defer(statement);
  else await db.executeQuery(statement);
}

/**
 * The handle for a read that takes no lock and reads only rows committed before the transaction began (the prices a
 * line item names, say): on PostgreSQL, while the transaction has sent nothing yet, the store's own pool instead of
 * the transaction, which leaves the transaction whole so that its commit can be shared (`CommitGroups`). At READ
 * COMMITTED a statement inside the transaction would see the same committed rows. Never for rows the transaction
 * itself may have written, nor for a read that must lock. Everywhere else, `db` itself.
 */
export function committedReader(db: Db): Db {
  const pipeline = pipelines.get(db);
  return pipeline && !pipeline.connected ? pipeline.outside : db;
}

interface PendingRead {
  id: string;
  resolve: (data: string | undefined) => void;
  reject: (err: unknown) => void;
}

/**
 * Reads by id outside transactions on PostgreSQL, gathered: lookups of the same table and scope asked for in one
 * turn of the event loop, or while the previous lookups are on their way, go to the database as one statement
 * (`id = any($3)`), on one connection, in one round trip. Each caller gets exactly the row a lookup of its own would
 * have returned at that moment: a committed row, read without a lock, no older than the call.
 */
class ReadGroups {
  private waiting = new Map<string, { table: string; merchantId: string; livemode: number; reads: PendingRead[] }>();
  private reading = 0;
  private scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly concurrency: number,
    private readonly size: number,
  ) {}

  find(table: string, merchantId: string, livemode: number, id: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const key = `${table}\u0000${merchantId}\u0000${String(livemode)}`;
      let group = this.waiting.get(key);
      if (!group) {
        group = { table, merchantId, livemode, reads: [] };
        this.waiting.set(key, group);
      }
      group.reads.push({ id, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Every request already readable in this turn of the event loop asks first.
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    for (const [key, group] of this.waiting) {
      if (this.reading >= this.concurrency) return;
      const reads = group.reads.splice(0, this.size);
      if (group.reads.length === 0) this.waiting.delete(key);
      this.reading++;
      void this.read(group.table, group.merchantId, group.livemode, reads).finally(() => {
        this.reading--;
        this.pump();
      });
    }
  }

  private async read(table: string, merchantId: string, livemode: number, reads: PendingRead[]): Promise<void> {
    try {
      const ids = [...new Set(reads.map((r) => r.id))];
      const result = await sql<{ id: string; data: string }>`
        select id, data from ${sql.table(table)}
        where merchant_id = ${merchantId} and livemode = ${livemode} and id = any(${ids})`.execute(this.db);
      const found = new Map(result.rows.map((row) => [row.id, row.data]));
      for (const r of reads) r.resolve(found.get(r.id));
    } catch (err) {
      for (const r of reads) r.reject(err);
    }
  }
}

const readGroups = new WeakMap<Db, ReadGroups>();

/**
 * An object's stored JSON by id, read outside any transaction and without a lock, gathered with other lookups of
 * the same table and scope into one statement on PostgreSQL (`ReadGroups`); undefined when `db` is not the
 * PostgreSQL store's own handle (a transaction, or SQLite, whose reads cost no round trip), for the caller to read
 * as usual.
 */
export function findGathered(
  db: Db,
  table: string,
  merchantId: string,
  livemode: number,
  id: string,
): Promise<string | undefined> | undefined {
  return readGroups.get(db)?.find(table, merchantId, livemode, id);
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
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (
    text: unknown,
    values?: unknown,
    ...rest: unknown[]
  ) => {
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
