import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { startServer, type Server } from '../server.js';
import { parseForwardTo } from './listen.js';
import { client, ENGINES, freshDatabase, type TestDatabase } from '../../test/harness.js';
import { independentlyVerify, startReceiver, type Receiver } from '../../test/webhooks-kit.js';

const BIN = fileURLToPath(new URL('../../bin/railyard.js', import.meta.url));

function runCli(args: string[]): { child: ChildProcessWithoutNullStreams; output: () => string; waitFor: (re: RegExp, ms?: number) => Promise<RegExpMatchArray>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, RAILYARD_API_KEY: '' }, stdio: 'pipe' });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const waitFor = async (re: RegExp, ms = 15_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = out.match(re);
      if (m) return m;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`CLI output never matched ${re}:\n${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { child, output: () => out, waitFor, exit };
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

// The real server (startServer: its scheduler runs in the background on the system clock) and the real CLI.
describe.each(ENGINES)('railyard listen and trigger, end to end (%s)', (engine) => {
  let database: TestDatabase;
  let server: Server;
  let receiver: Receiver;
  let key = '';

  beforeAll(async () => {
    database = await freshDatabase(engine);
    const lines: string[] = [];
    server = await startServer(loadConfig({ DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent', RATE_LIMITS: 'off' }), {
      announce: (l) => lines.push(l),
    });
    key = lines.join('\n').match(/sk_test_[A-Za-z0-9]+/)![0];
    receiver = await startReceiver(() => ({ kind: 'status', status: 202, body: 'accepted' }));
  });
  afterAll(async () => {
    await receiver.close();
    await server.close();
    await database.drop();
  });

  it('registers a temporary endpoint, forwards signed events live, shows each status, removes the endpoint on Ctrl-C', async () => {
    expect(server.scheduler?.jobs).toEqual(expect.arrayContaining(['webhooks', 'retention']));
    const listen = runCli(['listen', '--forward-to', receiver.url, '--api-key', key, '--api-base', server.url, '--events', 'customer.created,customer.updated']);
    const [, secret] = await listen.waitFor(/Ready! Your webhook signing secret is (whsec_[A-Za-z0-9]+)/);
    const api = client({ url: server.url }, key);
    const endpoints = (await api.get<{ data: { id: string; enabled_events: string[]; url: string }[] }>('/v1/webhook_endpoints')).body.data;
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]!.enabled_events).toEqual(['customer.created', 'customer.updated']);

    const created = await api.post<{ id: string }>('/v1/customers', { email: 'listen@example.com' });
    await until(() => receiver.received.length >= 1);
    const got = receiver.received[0]!;
    expect(JSON.parse(got.body)).toMatchObject({ type: 'customer.created', data: { object: { id: created.body.id } } });
    expect(independentlyVerify(got.headers['fluveo-signature'] as string, got.body, secret!, Math.floor(Date.now() / 1000))).toBe(true);
    expect(got.headers['webhook-id']).toMatch(/^evt_/);
    await listen.waitFor(/--> customer\.created \[evt_[A-Za-z0-9]+\]/);
    await listen.waitFor(/<-- \[202\] POST http:\/\/127\.0\.0\.1:\d+\/hooks \[evt_/);

    // `trigger` makes the API calls; the events reach the receiver through listen.
    const trigger = runCli(['trigger', 'customer.updated', '--api-key', key, '--api-base', server.url]);
    expect(await trigger.exit).toBe(0);
    expect(trigger.output()).toMatch(/Trigger succeeded/);
    await until(() => receiver.received.some((r) => (JSON.parse(r.body) as { type: string }).type === 'customer.updated'));
    await listen.waitFor(/--> customer\.updated/);

    // The delivery as Railyard saw it: the receiver's status went back through the relay.
    type A = { status: string; response_status: number };
    let attempts: A[] = [];
    const deadline = Date.now() + 10_000;
    while (attempts.length < 2 && Date.now() < deadline) {
      attempts = (await api.get<{ data: A[] }>(`/v1/webhook_endpoints/${endpoints[0]!.id}/delivery_attempts`)).body.data;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.every((a) => a.status === 'succeeded' && a.response_status === 202)).toBe(true);

    listen.child.kill('SIGINT');
    expect(await listen.exit).toBe(0);
    expect((await api.get<{ data: unknown[] }>('/v1/webhook_endpoints')).body.data).toEqual([]);
  });

  it('accepts the short --forward-to spellings', () => {
    expect(parseForwardTo('3000').href).toBe('http://localhost:3000/');
    expect(parseForwardTo('localhost:3000/webhooks').href).toBe('http://localhost:3000/webhooks');
    expect(parseForwardTo('https://example.com/hooks').href).toBe('https://example.com/hooks');
    expect(() => parseForwardTo('ftp://example.com/')).toThrow(/http/);
  });

  it('explains a bad key and an unknown trigger type', async () => {
    const bad = runCli(['listen', '--forward-to', receiver.url, '--api-key', 'sk_test_nope', '--api-base', server.url]);
    expect(await bad.exit).toBe(1);
    expect(bad.output()).toMatch(/401/);
    const unknown = runCli(['trigger', 'payment_intent.nonsense', '--api-key', key, '--api-base', server.url]);
    expect(await unknown.exit).toBe(1);
    expect(unknown.output()).toMatch(/No trigger for 'payment_intent\.nonsense'\. Supported: customer\.created/);
  });
});
