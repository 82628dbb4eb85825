import { Option, type Command } from 'commander';
import { DEFAULT_API_BASE } from './api-client.js';
import { startListening } from './listen.js';
import { TRIGGER_TYPES, triggerEvent } from './trigger.js';

const apiKeyOption = () =>
  new Option('--api-key <key>', 'secret API key (sk_test_… for local development)').env('RAILYARD_API_KEY').makeOptionMandatory();
const apiBaseOption = () => new Option('--api-base <url>', 'base URL of the Railyard server').env('RAILYARD_API_BASE').default(DEFAULT_API_BASE);

/** `railyard listen` and `railyard trigger`: the local webhook development loop. */
export function registerWebhookCommands(program: Command): void {
  program
    .command('listen')
    .description('Forward webhook events to a local URL: registers a temporary endpoint, prints its signing secret, shows each delivery (Ctrl-C removes it)')
    .requiredOption('--forward-to <url>', 'where to POST each event, e.g. http://localhost:3000/webhooks')
    .addOption(apiKeyOption())
    .addOption(apiBaseOption())
    .option('--events <types>', 'comma-separated event types to receive (default: all)')
    .action(async (opts: { forwardTo: string; apiKey: string; apiBase: string; events?: string }) => {
      const session = await startListening({
        forwardTo: opts.forwardTo,
        apiKey: opts.apiKey,
        apiBase: opts.apiBase,
        events: opts.events?.split(',').map((s) => s.trim()).filter(Boolean),
      });
      process.stdout.write(`Ready! Your webhook signing secret is ${session.secret} (^C to quit)\n`);
      process.stdout.write(`Forwarding events to ${opts.forwardTo} through temporary endpoint ${session.endpointId}\n`);
      const stop = () => {
        process.stdout.write('Stopping: deleting the temporary endpoint…\n');
        session.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  program
    .command('trigger')
    .description(`Make the API calls that produce an event, in test mode (${TRIGGER_TYPES.join(', ')})`)
    .argument('<event-type>', 'the event to produce')
    .addOption(apiKeyOption())
    .addOption(apiBaseOption())
    .action(async (eventType: string, opts: { apiKey: string; apiBase: string }) => {
      await triggerEvent(eventType, { apiKey: opts.apiKey, apiBase: opts.apiBase });
    });
}
