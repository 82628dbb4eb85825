import pino, { type Logger } from 'pino';
import { buildApp, type App } from './app.js';
import type { Config } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { openStore, type Store } from './db/store.js';
import type { Deps } from './domain/context.js';
import { countMerchants, createMerchant } from './domain/merchants/create-merchant.js';
import { createScheduler, type Scheduler } from './jobs/index.js';
import { systemClock, type Clock } from './lib/clock.js';

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.card.number', '*.card.cvc'], remove: true },
  });
}

export interface Server {
  app: App;
  store: Store;
  deps: Deps;
  url: string;
  /** The time-driven jobs (webhook delivery, retention…); undefined when JOBS=off. */
  scheduler: Scheduler | undefined;
  close(): Promise<void>;
}

/** Opens the database, migrates it, builds the app and listens. On an empty database a first merchant is made. */
export async function startServer(
  config: Config,
  options: { clock?: Clock; logger?: Logger; announce?: (line: string) => void } = {},
): Promise<Server> {
  const logger = options.logger ?? createLogger(config);
  const store = openStore(config.databaseUrl);
  await migrateToLatest(store);
  const clock = options.clock ?? systemClock;
  const deps: Deps = { store, clock, config, logger };
  const announce = options.announce ?? ((line: string) => process.stdout.write(`${line}\n`));

  if ((await countMerchants(store)) === 0) {
    const merchant = await createMerchant(store, clock, 'Default merchant');
    announce(`Created a first merchant ${merchant.id}. Its test secret key (shown once, keep it):`);
    announce(`  ${merchant.keys.sk_test}`);
    announce(`Publishable test key: ${merchant.keys.pk_test}`);
  }

  const app = await buildApp(deps);
  await app.app.listen({ port: config.port, host: config.host });
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
    close() {
      closing ??= (async () => {
        await scheduler?.stop();
        await app.app.close();
        await store.close();
      })();
      return closing;
    },
  };
}
