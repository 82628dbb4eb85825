import { Command } from 'commander';
import { registerWebhookCommands } from './cli/webhook-commands.js';
import { loadConfig } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { openStore } from './db/store.js';
import { createMerchant } from './domain/merchants/create-merchant.js';
import { systemClock } from './lib/clock.js';
import { startServer } from './server.js';

const program = new Command();
program.name('railyard').description('Railyard: a self-hosted Fluveo-compatible payments API');

program
  .command('serve', { isDefault: true })
  .description('Run the API server (PORT, HOST, DATABASE_URL, PUBLIC_URL, RATE_LIMITS from the environment)')
  .action(async () => {
    const config = loadConfig();
    const server = await startServer(config);
    const { logger } = server.deps;
    let stopping = false;
    // The first SIGTERM/SIGINT shuts down gracefully (server.close); a second one exits at once.
    const stop = (signal: string) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
      server.close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

program
  .command('migrate')
  .description('Apply pending database migrations to DATABASE_URL')
  .action(async () => {
    const store = openStore(loadConfig().databaseUrl);
    try {
      const applied = await migrateToLatest(store);
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
    } finally {
      await store.close();
    }
  });

const merchants = program.command('merchants').description('Manage merchants');
merchants
  .command('create')
  .description('Create a merchant and its four API keys (the keys are shown once)')
  .requiredOption('--name <name>', 'merchant name')
  .option('--json', 'print one JSON object: {"id","keys":{"sk_test","pk_test","sk_live","pk_live"}}')
  .action(async (opts: { name: string; json?: boolean }) => {
    const store = openStore(loadConfig().databaseUrl, { poolSize: 2 });
    try {
      await migrateToLatest(store);
      const m = await createMerchant(store, systemClock, opts.name);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ id: m.id, keys: m.keys })}\n`);
      } else {
        process.stdout.write(
          `Merchant ${m.id} (${m.name})\n  sk_test: ${m.keys.sk_test}\n  pk_test: ${m.keys.pk_test}\n  sk_live: ${m.keys.sk_live}\n  pk_live: ${m.keys.pk_live}\nThese keys are shown once; only their hashes are stored.\n`,
        );
      }
    } finally {
      await store.close();
    }
  });

registerWebhookCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`railyard: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
