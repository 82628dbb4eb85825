import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { buildApp, type App } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openStore, type Engine, type Store } from '../src/db/store.js';
import type { Deps } from '../src/domain/context.js';
import { createMerchant, type CreatedMerchant } from '../src/domain/merchants/create-merchant.js';
import { ManualClock, type Clock } from '../src/lib/clock.js';

/** The engines every suite runs on. TEST_ENGINES=sqlite narrows a local run; CI runs both. */
export const ENGINES: Engine[] = (process.env.TEST_ENGINES ?? 'sqlite,postgres').split(',').filter(Boolean) as Engine[];

/** The PostgreSQL server tests create their throwaway databases on. */
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database: a temporary SQLite file, or a new PostgreSQL database dropped afterwards. */
export async function freshDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'railyard-test-'));
    return { url: `sqlite:${join(dir, 'railyard.db')}`, drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
  }
  const name = `railyard_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestServer {
  engine: Engine;
  app: App;
  store: Store;
  deps: Deps;
  clock: Clock;
  /** Base URL of the listening server (real HTTP). */
  url: string;
  merchant: CreatedMerchant;
  /** Another merchant, for isolation tests. */
  other: CreatedMerchant;
  newMerchant(name?: string): Promise<CreatedMerchant>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  clock?: Clock;
  env?: Record<string, string>;
}

/** A running server on a fresh database with two merchants. Rate limits are off unless env turns them on. */
export async function startTestServer(engine: Engine, options: TestServerOptions = {}): Promise<TestServer> {
  const database = await freshDatabase(engine);
  const config: Config = loadConfig({ RATE_LIMITS: 'off', LOG_LEVEL: 'silent', PORT: '0', ...options.env, DATABASE_URL: database.url });
  const store = openStore(config.databaseUrl, { poolSize: 10 });
  await migrateToLatest(store);
  const clock = options.clock ?? new ManualClock(Date.now());
  const deps: Deps = { store, clock, config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) };
  const app = await buildApp(deps);
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const merchant = await createMerchant(store, clock, 'Test merchant');
  const other = await createMerchant(store, clock, 'Other merchant');
  return {
    engine,
    app,
    store,
    deps,
    clock,
    url: `http://127.0.0.1:${port}`,
    merchant,
    other,
    newMerchant: (name = 'Another') => createMerchant(store, clock, name),
    async close() {
      await app.app.close();
      await store.close();
      await database.drop();
    },
  };
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  key?: string | null;
  /** JSON body (default) — or `form` for a bracket-encoded body. */
  body?: unknown;
  form?: string;
  headers?: Record<string, string>;
  /** Idempotency-Key for a POST; a random one is sent unless null. */
  idempotencyKey?: string | null;
  /** Use Bearer instead of Basic. */
  bearer?: boolean;
}

let keyCounter = 0;

/** One real HTTP request to the server. */
export async function request<T = Record<string, unknown>>(
  server: Pick<TestServer, 'url'>,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) {
    headers.authorization = options.bearer ? `Bearer ${options.key}` : `Basic ${Buffer.from(`${options.key}:`).toString('base64')}`;
  }
  let body: string | undefined;
  if (options.form !== undefined) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    body = options.form;
  } else if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method === 'POST' && options.idempotencyKey !== null) {
    headers['idempotency-key'] ??= options.idempotencyKey ?? `test-${process.pid}-${++keyCounter}-${randomBytes(4).toString('hex')}`;
  }
  const res = await fetch(server.url + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** A client bound to one key: `api.post('/v1/customers', {...})`. */
export function client(server: Pick<TestServer, 'url'>, key: string) {
  return {
    get: <T = Record<string, unknown>>(path: string, o: RequestOptions = {}) => request<T>(server, 'GET', path, { key, ...o }),
    post: <T = Record<string, unknown>>(path: string, body?: unknown, o: RequestOptions = {}) =>
      request<T>(server, 'POST', path, { key, body: body ?? {}, ...o }),
    del: <T = Record<string, unknown>>(path: string, o: RequestOptions = {}) => request<T>(server, 'DELETE', path, { key, ...o }),
  };
}

/** Asserts the documented error envelope and returns the error. */
export function expectError(res: ApiResponse, status: number, code: string, param?: string | null): Record<string, unknown> {
  const err = (res.body as { error?: Record<string, unknown> }).error;
  const problem = (msg: string) => new Error(`${msg}; got ${res.status} ${res.text.slice(0, 400)}`);
  if (res.status !== status) throw problem(`expected status ${status}`);
  if (!err) throw problem('expected an error envelope');
  if (err.code !== code) throw problem(`expected code ${code}`);
  for (const f of ['type', 'code', 'message', 'param', 'doc_url']) if (!(f in err)) throw problem(`envelope lacks ${f}`);
  if (err.doc_url !== `https://docs.leanrails.com/errors/${code === 'card_declined' ? 'decline-codes' : code}`) throw problem('bad doc_url');
  if (param !== undefined && err.param !== param) throw problem(`expected param ${String(param)}`);
  return err;
}
