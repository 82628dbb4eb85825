import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { WebhookWorker } from '../../src/jobs/webhook-delivery.js';
import { client, ENGINES, request, startTestServer, type TestServer } from '../harness.js';
import { secondInstance } from '../protocol/support.js';
import { startReceiver, type Receiver } from '../webhooks-kit.js';
import { buildWorld, WORLD_CARD_NUMBERS } from './world.js';

/**
 * No card number, key or secret in any log line (issue 7 item 6). A representative run — every object type, raw
 * card numbers in JSON and in forms, the client-side API with its client secret, key roll, webhook secret rotation,
 * failed authentication with real and fake keys, webhook deliveries that succeed and fail — goes through an
 * instance whose logger (the server's own configuration) captures every line at trace level; then every
 * line is scanned for every secret in every spelling a log could carry it.
 */
describe.each(ENGINES)('secrets in logs (%s)', (engine) => {
  let server: TestServer;
  let receiver: Receiver;
  // The server's own logger configuration (its redaction paths) at trace level, writing into memory.
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString('utf8');
      cb();
    },
  });
  const capture = {
    logger: createLogger({ logLevel: 'trace' }, sink),
    raw: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer(engine);
    receiver = await startReceiver((_req, i) =>
      i % 3 === 0 ? { kind: 'status', status: 500, body: 'try again' } : { kind: 'status', status: 200 },
    );
    const traced = await secondInstance(server, { logger: capture.logger });
    const target = { url: traced.url };
    try {
      const a = client(target, server.merchant.keys.sk_test);
      const world = await buildWorld(a, { webhookUrl: receiver.url, tag: 'logs' });
      const rolled = await a.post(`/v1/api_keys/${world.apiKey}/roll`, {});
      const embedded = await a.post('/v1/checkout_sessions', {
        ui_mode: 'embedded',
        line_items: [{ price: world.price, quantity: 1 }],
      });
      const clientSecret = embedded.body.client_secret as string;
      const pk = client(target, server.merchant.keys.pk_test);
      await pk.get(
        `/v1/checkout_sessions/${embedded.body.id as string}/client?client_secret=${encodeURIComponent(clientSecret)}`,
      );
      // A declined card, then a good one, through the client-side API.
      await pk.post(`/v1/checkout/sessions/${embedded.body.id as string}/client/confirm`, {
        client_secret: clientSecret,
        email: 'buyer@example.com',
        payment_method_data: {
          type: 'card',
          card: { number: '4000000000000002', exp_month: 4, exp_year: 2035, cvc: '246' },
        },
      });
      await pk.post(`/v1/checkout/sessions/${embedded.body.id as string}/client/confirm`, {
        client_secret: clientSecret,
        email: 'buyer@example.com',
        payment_method_data: {
          type: 'card',
          card: { number: '4000 0566 5566 5556', exp_month: 4, exp_year: 2035, cvc: '246' },
        },
      });
      // Bad input carrying card numbers: refused, and still not logged.
      await a.post('/v1/payment_methods', undefined, {
        form: 'type=card&card[number]=5200828282828210&card[exp_month]=13&card[exp_year]=2037',
      });
      await a.post('/v1/payment_methods', {
        type: 'card',
        card: { number: '4111111111111111', exp_month: 1, exp_year: 2037, cvc: '999' },
        unknown: 1,
      });
      await a.post('/v1/payment_intents', {
        amount: 100,
        currency: 'usd',
        payment_method_data: { type: 'card', card: { number: '4111111111111111', exp_month: 1, exp_year: 2037 } },
        confirm: true,
      });
      // A wrong client secret, keys in the query string or in a header where they do not belong, failed authentication.
      await pk.get(
        `/v1/checkout/sessions/${embedded.body.id as string}/client?client_secret=${encodeURIComponent(`${clientSecret}x`)}`,
      );
      await request(target, 'GET', `/v1/customers?api_key=${server.merchant.keys.sk_live}`, {
        key: server.merchant.keys.sk_test,
      });
      await request(target, 'GET', '/v1/customers', { key: `${server.merchant.keys.sk_test}x` });
      await request(target, 'GET', '/v1/customers', { key: server.other.keys.sk_live, bearer: true });
      await request(target, 'GET', '/v1/customers', {
        headers: { authorization: `Basic ${Buffer.from(`${server.other.keys.sk_test}:password`).toString('base64')}` },
      });
      await request(target, 'GET', '/v1/customers', { key: rolled.body.secret as string });
      await request(target, 'POST', '/v1/customers', { key: server.merchant.keys.pk_live, body: {} });
      await request(target, 'GET', '/v1/customers', { headers: { 'x-api-key': server.merchant.keys.sk_test } });
      // Webhook deliveries (some fail and are logged as failures), with the capturing logger.
      const deps = { ...server.deps, logger: capture.logger };
      const scheduler = new Scheduler(server.clock, capture.logger);
      scheduler.register(new WebhookWorker(deps, { timeoutMs: 5_000 }));
      for (let i = 0; i < 3; i++) await scheduler.runJob('webhooks');
      await scheduler.stop();

      for (const [name, key] of Object.entries(server.merchant.keys)) secrets.set(`A ${name}`, key);
      for (const [name, key] of Object.entries(server.other.keys)) secrets.set(`B ${name}`, key);
      secrets.set('api key', world.apiKeySecrets[0]!);
      secrets.set('rolled api key', rolled.body.secret as string);
      world.webhookSecrets.forEach((s, i) => secrets.set(`webhook secret ${i}`, s));
      secrets.set('client secret', clientSecret);
      secrets.set('world client secret', world.embeddedClientSecret);
      for (const n of [
        ...WORLD_CARD_NUMBERS,
        '4000000000000002',
        '4000056655665556',
        '5200828282828210',
        '4111111111111111',
      ]) {
        secrets.set(`card ${n}`, n);
        secrets.set(`card ${n} spaced`, n.replace(/(\d{4})(?=\d)/g, '$1 '));
      }
    } finally {
      await traced.close();
    }
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  it('logged the run in detail (requests, responses, deliveries)', () => {
    const lines = capture.lines();
    expect(lines.length).toBeGreaterThan(60);
    expect(lines.some((l) => l.msg === 'incoming request')).toBe(true);
    expect(lines.some((l) => l.msg === 'request completed')).toBe(true);
    expect(
      lines.every(
        (l) => l.request_id === undefined || (typeof l.request_id === 'string' && l.request_id.startsWith('req_')),
      ),
    ).toBe(true);
    expect(receiver.received.length).toBeGreaterThan(10);
  });

  it('never writes a card number, an API key, a webhook secret or a client secret into a log line', () => {
    const text = capture.raw();
    const leaks: string[] = [];
    for (const [name, secret] of secrets) {
      const spellings = name.startsWith('card')
        ? [secret]
        : [
            secret,
            secret.slice(secret.lastIndexOf('_') + 1),
            encodeURIComponent(secret),
            Buffer.from(`${secret}:`).toString('base64'),
            Buffer.from(secret).toString('base64'),
          ];
      for (const s of spellings) {
        const at = text.indexOf(s);
        if (at !== -1) leaks.push(`${name} in: ${text.slice(Math.max(0, text.lastIndexOf('\n', at) + 1), at + 40)}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
