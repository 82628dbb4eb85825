import { connect } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { buildApp, type App } from '../../src/app.js';
import { openStore } from '../../src/db/store.js';
import type { Deps } from '../../src/domain/context.js';
import type { TestServer } from '../harness.js';

/** Helpers shared by the protocol suites (test/protocol/*.test.ts). */

export type Counts = { customers: number; events: number; outbox: number; idempotency: number };

async function countRows(server: Pick<TestServer, 'store'>, table: string, merchantId?: string): Promise<number> {
  let q = server.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n'));
  if (merchantId) q = q.where('merchant_id', '=', merchantId);
  const row = (await q.executeTakeFirst()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

/** Rows written so far (all merchants unless one is named): the "nothing was written" check of the error suites. */
export async function counts(server: Pick<TestServer, 'store'>, merchantId?: string): Promise<Counts> {
  return {
    customers: await countRows(server, 'customers', merchantId),
    events: await countRows(server, 'events', merchantId),
    outbox: await countRows(server, 'event_outbox', merchantId),
    idempotency: await countRows(server, 'idempotency_keys', merchantId),
  };
}

export function basicAuth(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

/**
 * A second, independent instance of the application on the same database: its own connection pool, key cache,
 * in-flight idempotency set and rate counters, exactly what another process would have.
 */
export async function secondInstance(
  server: TestServer,
  overrides: Partial<Omit<Deps, 'store'>> = {},
): Promise<{ url: string; app: App; close(): Promise<void> }> {
  const store = openStore(server.deps.config.databaseUrl, { poolSize: 10 });
  const deps: Deps = { ...server.deps, ...overrides, store };
  const app = await buildApp(deps);
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    async close() {
      await app.app.close();
      await store.close();
    },
  };
}

/** A pino logger writing JSON lines into an array, to inspect what the server logs. */
export function capturingLogger(level = 'info'): { logger: pino.Logger; lines: () => Record<string, unknown>[]; raw: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString('utf8');
      cb();
    },
  });
  const logger = pino({ level }, sink);
  return {
    logger,
    raw: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Sends raw bytes over one connection and returns status, lower-cased headers and body (for what fetch refuses). */
export function rawHttp(baseUrl: string, text: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { port, hostname } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text, 'latin1'));
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = out.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}
