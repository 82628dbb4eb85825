import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Deps } from '../src/domain/context.js';
import type { Engine } from '../src/db/store.js';
import { Scheduler } from '../src/jobs/scheduler.js';
import { WebhookWorker, type WebhookWorkerOptions } from '../src/jobs/webhook-delivery.js';
import { RetentionSweep } from '../src/jobs/retention.js';
import { ManualClock } from '../src/lib/clock.js';
import { startTestServer, type TestServer, type TestServerOptions } from './harness.js';

/** What a receiver got. */
export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  url: string;
}

/** How the receiver answers one request. */
export type Behaviour =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'hang' }
  | { kind: 'huge'; bytes: number }
  | { kind: 'destroy' };

export interface Receiver {
  url: string;
  received: Received[];
  /** Decides each answer; default 200 "ok". */
  behave: (req: Received, index: number) => Behaviour;
  close(): Promise<void>;
}

/** A local HTTP receiver that records every request and answers as told. */
export async function startReceiver(behave?: Receiver['behave']): Promise<Receiver> {
  const sockets = new Set<Socket>();
  const receiver: Receiver = {
    url: '',
    received: [],
    behave: behave ?? (() => ({ kind: 'status', status: 200, body: 'ok' })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), url: req.url ?? '' };
      const index = receiver.received.push(r) - 1;
      const b = receiver.behave(r, index);
      switch (b.kind) {
        case 'status':
          res.writeHead(b.status, { 'content-type': 'text/plain', ...b.headers }).end(b.body ?? '');
          return;
        case 'hang':
          return; // never answers; the socket is destroyed at close()
        case 'huge': {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          const chunk = Buffer.alloc(64 * 1024, 0x61);
          let sent = 0;
          const pump = () => {
            while (sent < b.bytes) {
              sent += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            res.end();
          };
          res.on('error', () => undefined);
          pump();
          return;
        }
        case 'destroy':
          req.socket.destroy();
          return;
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

/**
 * Verifies a Fluveo-Signature header the way a receiver in another language would: parse `t` and every `v1`,
 * HMAC-SHA256 over "v1=" + t + "." + body with node:crypto, constant-time compare. Independent of src/.
 */
export function independentlyVerify(header: string | undefined, body: string, secret: string, nowS: number, toleranceS = 300): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.split('=') as [string, string]);
  const t = parts.find(([k]) => k === 't')?.[1];
  if (!t || Math.abs(nowS - Number(t)) > toleranceS) return false;
  const expected = createHmac('sha256', secret).update(`v1=${t}.${body}`).digest();
  return parts.filter(([k]) => k === 'v1').some(([, v]) => {
    const got = Buffer.from(v, 'hex');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}

export interface WebhookTestServer {
  server: TestServer;
  clock: ManualClock;
  /** The deps the worker uses (the server's, plus any overrides). */
  deps: Deps;
  worker: WebhookWorker;
  scheduler: Scheduler;
  /** One deterministic pass of the jobs: fan out, deliver what is due, record. */
  tick(): Promise<void>;
}

/** A test server with a scheduler that the test drives by hand (no background loop). */
export async function startWebhookServer(
  engine: Engine,
  options: TestServerOptions & { worker?: WebhookWorkerOptions; deps?: Partial<Deps> } = {},
): Promise<WebhookTestServer> {
  const server = await startTestServer(engine, options);
  // The app and the worker share one deps object, so seams set here (DNS, transport) apply to both.
  Object.assign(server.deps, options.deps ?? {});
  const scheduler = new Scheduler(server.clock, server.deps.logger);
  const worker = new WebhookWorker(server.deps, { timeoutMs: 2_000, ...options.worker });
  scheduler.register(worker).register(new RetentionSweep(server.deps));
  if (!(server.clock instanceof ManualClock)) throw new Error('startWebhookServer needs a ManualClock');
  return {
    server,
    clock: server.clock,
    deps: server.deps,
    worker,
    scheduler,
    tick: () => scheduler.runJob('webhooks'),
  };
}

/** Advances the merchant's test clock through the API. */
export async function advanceTestClock(server: TestServer, key: string, seconds: number): Promise<void> {
  const res = await fetch(`${server.url}/v1/test_helpers/advance_clock`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
      'content-type': 'application/json',
      'idempotency-key': `advance-${Math.random()}`,
    },
    body: JSON.stringify({ seconds }),
  });
  if (res.status !== 200) throw new Error(`advance_clock failed: ${res.status} ${await res.text()}`);
}
