import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { connect } from 'node:net';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/store.js';
import { ENGINES, freshDatabase, type TestDatabase } from '../harness.js';

/**
 * Graceful shutdown on SIGTERM (issue 7 item 7), on the real CLI process: `node bin/railyard.js serve`. While requests are in flight — one whose body is still arriving, a stream of creates, webhook
 * deliveries waiting on a slow receiver — the process gets SIGTERM (on a fresh SQLite file or PostgreSQL database). Then: new connections are refused, the request
 * in flight completes with 200, every answer is a 200 or a clean refusal (never a 5xx), the deliveries in flight
 * finish and are recorded, the process exits 0 within a few seconds, and the database is consistent.
 */

const root = new URL('../../', import.meta.url);

interface Child {
  proc: ChildProcess;
  url: string;
  port: number;
  key: string;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

function startChild(databaseUrl: string): Promise<Child> {
  const proc = spawn(process.execPath, ['bin/railyard.js', 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      RATE_LIMITS: 'off',
      LOG_LEVEL: 'info',
      JOBS: 'on',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return new Promise((resolve, reject) => {
    let key = '';
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        const k = /^\s+(sk_test_\S+)$/.exec(line);
        if (k) key = k[1]!;
        const listening = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(line);
        if (listening) resolve({ proc, url: listening[1]!, port: Number(listening[2]), key, lines, exited });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => lines.push(`stderr: ${c.toString('utf8')}`));
    void exited.then(() => reject(new Error(`server exited before listening:\n${lines.join('\n')}`)));
    setTimeout(() => reject(new Error(`server did not start:\n${lines.join('\n')}`)), 30_000).unref();
  });
}

interface SlowReceiver {
  url: string;
  /** Event ids of the deliveries received (each answered 200 after the delay). */
  received: string[];
  close(): Promise<void>;
}

async function slowReceiver(delayMs: number): Promise<SlowReceiver> {
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push((JSON.parse(body) as { id: string }).id);
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const auth = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/** One POST over its own keep-alive agent; resolves with the status and body, or with the transport error. */
function post(
  agent: http.Agent,
  url: string,
  key: string,
  path: string,
  body: unknown,
  idem: string,
): Promise<{ status: number; body: string } | { error: string }> {
  const text = JSON.stringify(body);
  return new Promise((resolve) => {
    const u = new URL(path, url);
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: {
          authorization: auth(key),
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          'idempotency-key': idem,
        },
      },
      (res) => {
        let out = '';
        res.on('data', (c: Buffer) => (out += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: out }));
        res.on('error', (err) => resolve({ error: err.message }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end(text);
  });
}

/** True when a fresh TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe.each(ENGINES)('graceful shutdown on SIGTERM (%s, real process)', (engine) => {
  let database: TestDatabase | undefined;
  let child: Child | undefined;
  let receiver: SlowReceiver | undefined;
  afterAll(async () => {
    if (child && child.proc.exitCode === null) child.proc.kill('SIGKILL');
    await receiver?.close();
    await database?.drop();
  });

  it(
    'stops accepting, finishes what is in flight, stops the jobs, closes the database and exits 0',
    { timeout: 60_000 },
    async () => {
      // A receiver that takes 1.5 s to answer each delivery: deliveries are in flight when the signal comes.
      receiver = await slowReceiver(1_500);
      database = await freshDatabase(engine);
      child = await startChild(database.url);
      const { url, port, key } = child;
      expect(key).toMatch(/^sk_test_/);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
      const hook = await post(
        agent,
        url,
        key,
        '/v1/webhook_endpoints',
        { url: receiver.url, enabled_events: ['customer.created'] },
        'hook',
      );
      expect(hook).toMatchObject({ status: 200 });
      const delivered = receiver.received;

      // A request whose body is still arriving when the signal comes.
      const slowBody = JSON.stringify({ name: 'in flight', email: 'slow@example.com' });
      const half = Math.floor(slowBody.length / 2);
      const slowSocket = connect(port, '127.0.0.1');
      await new Promise<void>((r) => slowSocket.on('connect', () => r()));
      let slowAnswer = '';
      const slowDone = new Promise<void>((r) => {
        slowSocket.on('data', (d: Buffer) => (slowAnswer += d.toString('utf8')));
        slowSocket.on('close', () => r());
        slowSocket.on('error', (err) => {
          slowAnswer += `socket error: ${err.message}`;
          r();
        });
      });
      slowSocket.write(
        `POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${auth(key)}\r\nContent-Type: application/json\r\n` +
          `Idempotency-Key: slow-1\r\nContent-Length: ${Buffer.byteLength(slowBody)}\r\nConnection: close\r\n\r\n${slowBody.slice(0, half)}`,
      );

      // A stream of creates from 10 concurrent clients, running until the server refuses them.
      const results: (({ status: number; body: string } | { error: string }) & { i: number })[] = [];
      let n = 0;
      let load = true;
      const worker = async () => {
        while (load) {
          const i = n++;
          const r = await post(
            agent,
            url,
            key,
            '/v1/customers',
            { name: `load ${i}`, email: `load${i}@example.com` },
            `load-${i}`,
          );
          results.push({ ...r, i });
          if ('error' in r) return;
        }
      };
      const workers = Array.from({ length: 10 }, () => worker());
      // Wait until deliveries are in flight at the slow receiver and some creates have been answered.
      const deadline = Date.now() + 15_000;
      while ((delivered.length < 3 || results.length < 30) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(delivered.length).toBeGreaterThanOrEqual(3);

      const signalAt = Date.now();
      child.proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      // New connections are refused while the request in flight is still open.
      expect(await refused(port)).toBe(true);
      expect(child.proc.exitCode).toBeNull();
      // The request in flight completes with 200.
      // (write, not end: a half-closed socket makes Node abandon the request.) The server closes it after answering.
      slowSocket.write(slowBody.slice(half));
      await slowDone;
      expect(slowAnswer).toMatch(/^HTTP\/1\.1 200 /);
      const slowCustomer = JSON.parse(slowAnswer.slice(slowAnswer.indexOf('\r\n\r\n') + 4)) as {
        id: string;
        name: string;
      };
      expect(slowCustomer.name).toBe('in flight');

      load = false;
      await Promise.all(workers);
      const exit = await child.exited;
      agent.destroy();
      expect(exit.code, child.lines.slice(-20).join('\n')).toBe(0);
      expect(exit.at - signalAt).toBeLessThan(8_000);

      // Every answer was a 200, or a refusal that wrote nothing: 503 with the envelope on an open connection, or a
      // connection error once the port was closed. Never a 5xx of another kind.
      const acknowledged: string[] = [slowCustomer.id];
      const cut: string[] = [];
      for (const r of results) {
        if ('error' in r) {
          cut.push(`load${r.i}@example.com`);
          expect(['ECONNREFUSED', 'ECONNRESET', 'socket hang up', 'EPIPE']).toContain(r.error);
          continue;
        }
        if (r.status === 503) {
          cut.push(`load${r.i}@example.com`);
          expect(JSON.parse(r.body)).toMatchObject({
            error: { type: 'api_error', code: 'service_unavailable', param: null },
          });
          continue;
        }
        expect(r.status, r.body).toBe(200);
        acknowledged.push((JSON.parse(r.body) as { id: string }).id);
      }
      expect(acknowledged.length).toBeGreaterThan(30);

      // The log tells the order: signal first; the database is closed after the HTTP server and the jobs (compared
      // by the log lines' timestamps: lines written in the same millisecond may reach the pipe in either order).
      const entries = child.lines.flatMap((l) => {
        try {
          const e = JSON.parse(l) as { msg: unknown; time: unknown };
          return [{ msg: String(e.msg), time: Number(e.time) }];
        } catch {
          return [];
        }
      });
      const when = (prefix: string) => entries.find((e) => e.msg.startsWith(prefix))?.time ?? Number.NaN;
      expect(when('shutting down')).toBeGreaterThan(0);
      expect(when('jobs stopped')).toBeGreaterThanOrEqual(when('shutting down'));
      expect(when('http server closed')).toBeGreaterThanOrEqual(when('shutting down'));
      expect(when('database closed')).toBeGreaterThanOrEqual(Math.max(when('jobs stopped'), when('http server closed')));
      expect(child.lines.filter((l) => l.includes('"level":50') || l.startsWith('stderr:'))).toEqual([]);

      // The database is consistent: intact, every acknowledged object there with its event, nothing half-written,
      // and the deliveries that were in flight recorded as delivered with no lease left behind.
      const store = openStore(database.url, { poolSize: 2 });
      try {
        if (engine === 'sqlite') {
          const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(store.db);
          expect(integrity.rows[0]?.integrity_check).toBe('ok');
        } else {
          // The process closed its pool: no session of it is left on the server.
          const sessions = await sql<{
            n: number;
          }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(
            store.db,
          );
          expect(sessions.rows[0]?.n).toBe(0);
        }
        const customers = (await store.db.selectFrom('customers').select('id').execute()).map((r) => r.id as string);
        for (const id of acknowledged) expect(customers).toContain(id);
        // A request refused or cut by the shutdown never ran: its retry (same Idempotency-Key) does the work once.
        const emails = (await store.db.selectFrom('customers').select('email').execute()).map((r) => r.email as string);
        for (const email of cut) expect(emails).not.toContain(email);
        const created = (
          await store.db.selectFrom('events').select('object_id').where('type', '=', 'customer.created').execute()
        ).map((r) => r.object_id as string);
        expect(created.sort()).toEqual([...customers].sort());
        const idempotent = await store.db
          .selectFrom('idempotency_keys')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst();
        expect(Number(idempotent?.n)).toBe(customers.length + 1);
        const deliveries = (await store.db.selectFrom('webhook_deliveries').selectAll().execute()) as {
          event_id: string;
          status: string;
          locked_by: string | null;
        }[];
        expect(deliveries.filter((d) => d.locked_by !== null)).toEqual([]);
        const eventIds = new Set(
          (await store.db.selectFrom('events').select(['id']).where('type', '=', 'customer.created').execute()).map(
            (r) => r.id as string,
          ),
        );
        for (const id of delivered) {
          expect(eventIds.has(id)).toBe(true);
          expect(deliveries.find((d) => d.event_id === id)?.status, id).toBe('succeeded');
        }
      } finally {
        await store.close();
      }
    },
  );
});
