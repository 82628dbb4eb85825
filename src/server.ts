import pino, { type Logger } from 'pino';
import { buildApp, type App } from './app.js';
import type { Config } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { openStore, type Store } from './db/store.js';
import type { Deps } from './domain/context.js';
import { createFirstMerchant } from './domain/merchants/create-merchant.js';
import { createScheduler, type Scheduler } from './jobs/index.js';
import { systemClock, type Clock } from './lib/clock.js';

/** The server's logger (JSON lines on stdout unless a destination is given, as tests do to read them). */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.card.number', '*.card.cvc'], remove: true },
  };
  return destination ? pino(options, destination) : pino(options);
}

export interface Server {
  app: App;
  store: Store;
  deps: Deps;
  url: string;
  /** The time-driven jobs (webhook delivery, retention…); undefined when JOBS=off. */
  scheduler: Scheduler | undefined;
  /** Graceful shutdown (see shutdown below); idempotent. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** Opens the database, migrates it, builds the app and listens. On an empty database a first merchant is made. */
export async function startServer(
  config: Config,
  options: { clock?: Clock; logger?: Logger; announce?: (line: string) => void } = {},
): Promise<Server> {
  const logger = options.logger ?? createLogger(config);
  const store = openStore(config.databaseUrl, { poolSize: config.databasePoolSize });
  await migrateToLatest(store);
  const clock = options.clock ?? systemClock;
  const deps: Deps = { store, clock, config, logger };
  const announce = options.announce ?? ((line: string) => process.stdout.write(`${line}\n`));

  const app = await buildApp(deps);
  // The first merchant is made once the server can be reached, so that its key, shown only once, is never printed by
  // a start that then fails (a port in use): it is announced just before the listening line.
  try {
    await app.app.listen({ port: config.port, host: config.host });
    const merchant = await createFirstMerchant(store, clock, 'Default merchant');
    if (merchant) {
      announce(`Created a first merchant ${merchant.id}. Its test secret key (shown once, keep it):`);
      announce(`  ${merchant.keys.sk_test}`);
      announce(`Publishable test key: ${merchant.keys.pk_test}`);
    }
  } catch (err) {
    await app.app.close();
    await store.close();
    throw err;
  }
  const address = app.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  announce(`Railyard listening on ${url} (${store.engine})`);
  const scheduler = config.jobs ? createScheduler(deps) : undefined;
  scheduler?.start();

  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    deps,
    url,
    scheduler,
    close(options = {}) {
      closing ??= shutdown(app, store, scheduler, logger, options.graceMs ?? SHUTDOWN_GRACE_MS);
      return closing;
    },
  };
}

/** How long in-flight requests and deliveries get to finish on shutdown before their connections are cut. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Graceful shutdown: stop accepting connections (new ones are refused; a request arriving on an open keep-alive
 * connection gets 503 with `Connection: close`), let the requests in flight finish, stop the jobs (deliveries in
 * flight finish and are recorded), then close the database pool. After `graceMs` the remaining connections are cut:
 * their transactions have either committed or roll back, so the database stays consistent either way.
 */
async function shutdown(app: App, store: Store, scheduler: Scheduler | undefined, logger: Logger, graceMs: number): Promise<void> {
  const started = Date.now();
  const force = setTimeout(() => {
    logger.warn({ grace_ms: graceMs }, 'shutdown grace period over: closing the remaining connections');
    app.app.server.closeAllConnections();
  }, graceMs);
  force.unref();
  try {
    const http = app.app.close().then(() => logger.info('http server closed: no connection left'));
    const jobs = (scheduler?.stop(graceMs) ?? Promise.resolve()).then(() => logger.info('jobs stopped'));
    const results = await Promise.allSettled([http, jobs]);
    for (const r of results) if (r.status === 'rejected') logger.error({ err: r.reason as unknown }, 'shutdown step failed');
  } finally {
    clearTimeout(force);
    await store.close();
    logger.info({ duration_ms: Date.now() - started }, 'database closed: shutdown complete');
  }
}
