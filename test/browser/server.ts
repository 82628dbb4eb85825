import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openStore, type Engine, type Store } from '../../src/db/store.js';
import type { Deps } from '../../src/domain/context.js';
import { createMerchant, type CreatedMerchant } from '../../src/domain/merchants/create-merchant.js';
import { ManualClock } from '../../src/lib/clock.js';
import { client, freshDatabase } from '../harness.js';

/** A free TCP port on the loopback interface (the server must know its public URL before it listens). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Log lines the server wrote, kept to check that no card number ever reaches them. */
export class LogCapture {
  lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  text(): string {
    return this.lines.join('');
  }
}

export interface PageServer {
  url: string;
  app: App;
  store: Store;
  deps: Deps;
  clock: ManualClock;
  merchant: CreatedMerchant;
  /** Another merchant, for isolation checks. */
  other: CreatedMerchant;
  logs: LogCapture;
  api: ReturnType<typeof client>;
  close(): Promise<void>;
}

/**
 * A Railyard server whose PUBLIC_URL is its real address (hosted-page URLs and 3-D Secure return URLs must point
 * at it), on a fresh database, logging at debug level into memory.
 */
export async function startPageServer(engine: Engine, options: { env?: Record<string, string> } = {}): Promise<PageServer> {
  const database = await freshDatabase(engine);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({ RATE_LIMITS: 'off', JOBS: 'off', ...options.env, LOG_LEVEL: 'debug', PORT: String(port), PUBLIC_URL: url, DATABASE_URL: database.url });
  const store = openStore(config.databaseUrl, { poolSize: 10 });
  await migrateToLatest(store);
  const clock = new ManualClock(Date.now());
  const logs = new LogCapture();
  const logger = pino({ level: 'debug', redact: { paths: ['req.headers.authorization'], remove: true } }, logs);
  const deps: Deps = { store, clock, config, logger };
  const app = await buildApp(deps);
  await app.app.listen({ port, host: '127.0.0.1' });
  const merchant = await createMerchant(store, clock, 'Brightwater Coffee');
  const other = await createMerchant(store, clock, 'Other merchant');
  return {
    url,
    app,
    store,
    deps,
    clock,
    merchant,
    other,
    logs,
    api: client({ url }, merchant.keys.sk_test),
    async close() {
      await app.app.close();
      await store.close();
      await database.drop();
    },
  };
}

export interface Landing {
  /** Origin of the merchant's site (another origin than Railyard's, as in real life). */
  url: string;
  close(): Promise<void>;
}

/** The merchant's site the success and cancel URLs point at: every path answers a small page naming itself. */
export async function startLanding(): Promise<Landing> {
  const server = createHttpServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><h1 id="landed">Back at the shop</h1><p id="path">${(req.url ?? '').replace(/[<>&"]/g, '')}</p></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A page server for one describe block: started before its tests, closed after. Returns an accessor (the server
 * exists only once the tests run).
 */
export function usePageServer(engine: Engine, options: { env?: Record<string, string> } = {}): () => PageServer {
  let server: PageServer | undefined;
  beforeAll(async () => {
    server = await startPageServer(engine, options);
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('The page server has not started.');
    return server;
  };
}
