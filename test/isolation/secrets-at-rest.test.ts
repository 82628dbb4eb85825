import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, startTestServer, type TestServer } from '../harness.js';
import { dumpDatabase } from '../hostile/support.js';
import { buildWorld, WORLD_CARD_NUMBERS, type World } from './world.js';

/**
 * Secrets at rest (decisions.md §1 and "Webhooks", issue 7 item 6): after a run that creates, rolls and uses API
 * keys, creates and rotates webhook secrets and pays with raw card numbers (server side and through the client-side
 * API), no table holds any of them in clear — as text, nor inside a stored idempotent response or fingerprint.
 */
describe.each(ENGINES)('secrets at rest (%s)', (engine) => {
  let server: TestServer;
  let world: World;
  let other: World;
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer(engine);
    const a = client(server, server.merchant.keys.sk_test);
    world = await buildWorld(a, { webhookUrl: 'http://127.0.0.1:9/a', tag: 'a' });
    other = await buildWorld(client(server, server.other.keys.sk_test), {
      webhookUrl: 'http://127.0.0.1:9/b',
      tag: 'b',
    });
    const rolled = await a.post(`/v1/api_keys/${world.apiKey}/roll`, { expires_in_hours: 2 });
    expect(rolled.status).toBe(200);
    const publishable = await a.post('/v1/api_keys', { name: 'browser', type: 'publishable' });
    const rotated = await a.post(`/v1/webhook_endpoints/${world.webhookEndpoint}/rotate_secret`, {});
    // The rolled key is used, so its row is read and its last_used_at written.
    expect((await client(server, rolled.body.secret as string).get('/v1/customers')).status).toBe(200);
    // A buyer pays through the client-side API with a raw card number.
    const session = await a.post('/v1/checkout/sessions', {
      ui_mode: 'embedded',
      line_items: [{ price: world.price, quantity: 1 }],
    });
    const paid = await client(server, server.merchant.keys.pk_test).post(
      `/v1/checkout/sessions/${session.body.id as string}/client/confirm`,
      {
        client_secret: session.body.client_secret,
        email: 'buyer@example.com',
        payment_method_data: {
          type: 'card',
          card: { number: '4000 0566 5566 5556', exp_month: 3, exp_year: 2036, cvc: '987' },
        },
      },
    );
    expect(paid.status, paid.text).toBe(200);
    // A form-encoded payment method, so both body encodings are covered.
    const form = await a.post('/v1/payment_methods', undefined, {
      form: 'type=card&card[number]=5200828282828210&card[exp_month]=7&card[exp_year]=2037&card[cvc]=555',
    });
    expect(form.status, form.text).toBe(200);

    for (const [name, key] of Object.entries(server.merchant.keys)) secrets.set(`A ${name}`, key);
    for (const [name, key] of Object.entries(server.other.keys)) secrets.set(`B ${name}`, key);
    [...world.apiKeySecrets, ...other.apiKeySecrets].forEach((s, i) => secrets.set(`api key ${i}`, s));
    secrets.set('rolled api key', rolled.body.secret as string);
    secrets.set('publishable api key', publishable.body.secret as string);
    [...world.webhookSecrets, ...other.webhookSecrets, rotated.body.secret as string].forEach((s, i) =>
      secrets.set(`webhook secret ${i}`, s),
    );
    for (const n of [...WORLD_CARD_NUMBERS, '4000056655665556', '5200828282828210']) {
      secrets.set(`card ${n.slice(-4)}`, n);
      secrets.set(`card ${n.slice(-4)} spaced`, n.replace(/(\d{4})(?=\d)/g, '$1 '));
    }
  }, 60_000);
  afterAll(() => server?.close());

  /** The secret, its random part (keys and webhook secrets) and its base64 spelling (as in a Basic header). */
  const forms = (name: string, secret: string) =>
    name.startsWith('card')
      ? [secret]
      : [
          secret,
          secret.slice(secret.lastIndexOf('_') + 1),
          Buffer.from(secret).toString('base64'),
          Buffer.from(`${secret}:`).toString('base64'),
        ];

  it('stores no API key, webhook secret or card number in clear in any table', async () => {
    const dump = await dumpDatabase(server.store);
    const everything = Object.values(dump).join('\n');
    // The dump does hold the data: ids, emails, last4 and brands are there.
    expect(everything).toContain(world.customer);
    expect(everything).toContain('a@example.com');
    expect(everything).toContain('"last4":"4242"');
    expect(Object.keys(dump).length).toBeGreaterThan(10);
    for (const [name, secret] of secrets) {
      expect(secret.length, name).toBeGreaterThanOrEqual(16);
      const holders = Object.entries(dump)
        .filter(([, text]) => forms(name, secret).some((f) => text.includes(f)))
        .map(([t]) => t);
      expect(holders, `${name} found at rest`).toEqual([]);
    }
  });

  it('keeps API keys as SHA-256 hashes and shows webhook secrets only masked after creation', async () => {
    const keyRows = (await server.store.db.selectFrom('api_keys').selectAll().execute()) as Record<string, unknown>[];
    expect(keyRows.length).toBeGreaterThanOrEqual(10);
    for (const row of keyRows) expect(String(row.secret_hash)).toMatch(/^[0-9a-f]{64}$/);
    const api = client(server, server.merchant.keys.sk_test);
    const shown = await api.get(`/v1/webhook_endpoints/${world.webhookEndpoint}`);
    expect(shown.status).toBe(200);
    for (const secret of world.webhookSecrets) expect(shown.text).not.toContain(secret.slice(6));
  });
});
