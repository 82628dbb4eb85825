/**
 * Webhook delivery bench: deliveries per second to a local receiver, and the delay from an event's commit to its
 * first delivery attempt. Run: `node --import tsx bench/webhook-delivery.ts` (DATABASE_URL=postgres://… for
 * PostgreSQL; default a temporary SQLite file). EVENTS (default 5000) sizes the throughput phase.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import type { Actor, Deps } from '../src/domain/context.js';
import { recordEvent } from '../src/domain/events/record-event.js';
import { createScheduler } from '../src/jobs/index.js';
import { startServer } from '../src/server.js';

const EVENTS = Number(process.env.EVENTS ?? 5000);
const dir = mkdtempSync(join(tmpdir(), 'railyard-bench-'));
const databaseUrl = process.env.DATABASE_URL ?? `sqlite:${join(dir, 'bench.db')}`;

const arrivals = new Map<string, number>();
const receiver = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    arrivals.set(String(req.headers['webhook-id']), performance.now());
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

let key = '';
const server = await startServer(loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'silent', RATE_LIMITS: 'off', IDEMPOTENCY_KEY: 'optional', JOBS: 'off' }), {
  announce: (l) => (key ||= l.match(/sk_test_[A-Za-z0-9]+/)?.[0] ?? ''),
});
const auth = { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'content-type': 'application/json' };
const post = async (path: string, body: unknown) => {
  const res = await fetch(server.url + path, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  return (await res.json()) as { id: string };
};
await post('/v1/webhook_endpoints', { url: receiverUrl, enabled_events: ['customer.created'] });
const merchant = (await server.store.db.selectFrom('merchants').selectAll().executeTakeFirstOrThrow()) as Actor['merchant'];

// Phase 1: a backlog of EVENTS events, then one scheduler delivers it.
const deps: Deps = { ...server.deps, logger: pino({ level: 'silent' }) };
const actor: Actor = { merchant, scope: { merchantId: merchant.id, livemode: false }, apiVersion: merchant.default_api_version, now: Math.floor(Date.now() / 1000) };
for (let i = 0; i < EVENTS; i += 500) {
  await server.store.withTransaction(async (db) => {
    for (let j = i; j < Math.min(EVENTS, i + 500); j++) await recordEvent({ deps, actor, db }, 'customer.created', { id: `cus_bench${j}` });
  });
}
const scheduler = createScheduler(deps);
const started = performance.now();
scheduler.start();
while (arrivals.size < EVENTS && performance.now() - started < 60_000) await new Promise((r) => setTimeout(r, 5));
const deliveredAt = performance.now();
const delivered = arrivals.size;
// Recording catches up right behind the receiver.
const recorded = async () => Number((await server.store.db.selectFrom('webhook_attempts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n);
while ((await recorded()) < delivered && performance.now() - started < 60_000) await new Promise((r) => setTimeout(r, 20));
const recordedAt = performance.now();

// Phase 2: events created through the API one by one; delay from the committed response to the delivery.
arrivals.clear();
const commits = new Map<string, number>();
const phase2End = performance.now() + 4_000;
while (performance.now() < phase2End) {
  await post('/v1/customers', { email: 'bench@example.com' });
  const list = (await (await fetch(`${server.url}/v1/events?limit=1&type=customer.created`, { headers: auth })).json()) as { data: { id: string }[] };
  commits.set(list.data[0]!.id, performance.now());
  await new Promise((r) => setTimeout(r, 20));
}
await new Promise((r) => setTimeout(r, 1_500));
const delays = [...commits].map(([id, at]) => (arrivals.get(id) ?? Infinity) - at).sort((a, b) => a - b);
const pct = (p: number) => delays[Math.min(delays.length - 1, Math.floor((p / 100) * delays.length))]!;

await scheduler.stop();
await server.close();
receiver.close();
rmSync(dir, { recursive: true, force: true });

const seconds = (deliveredAt - started) / 1000;
process.stdout.write(
  [
    `engine: ${server.store.engine}`,
    `throughput: ${delivered}/${EVENTS} deliveries in ${seconds.toFixed(2)} s = ${Math.round(delivered / seconds)}/s (all recorded after ${((recordedAt - started) / 1000).toFixed(2)} s)`,
    `commit → first attempt over ${delays.length} events: p50 ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms, max ${delays.at(-1)!.toFixed(0)} ms`,
  ].join('\n') + '\n',
);
