/**
 * The soak test (`npm run soak`): a mixed load against one Railyard process for SOAK_MINUTES (default 10), its RSS
 * sampled every SOAK_SAMPLE_S seconds (default 10) from /proc. Writes bench/results/soak.md with the RSS curve and a
 * verdict: "steady" when RSS, after the warm-up, neither trends up by more than a small slope nor ends much above
 * where it settled; "growing" otherwise.
 *
 * The load, from SOAK_CONNECTIONS concurrent clients (default 16), RATE_LIMITS=off: customer create, retrieve,
 * update and list; PaymentIntent create+confirm, partial refund, list; Checkout Session create, retrieve, expire;
 * event lists with cursors; bad requests (400/404); and webhook deliveries of every event to a local receiver.
 *
 *   SOAK_MINUTES=1 SOAK_ENGINE=sqlite npm run soak
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import type { Engine } from '../src/db/store.js';
import { freshDatabase } from '../test/harness.js';
import { startNodeFlags } from './start-flags.js';
import { lineChartSvg, renderPng } from './chart.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 10);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 16);
const ENGINE = process.env.SOAK_ENGINE ?? 'sqlite';
const ROOT = new URL('..', import.meta.url).pathname;
const RESULTS = join(ROOT, 'bench/results');
/** RSS may rise this much per minute after the warm-up and still count as steady (allocator noise, caches). */
const STEADY_SLOPE_MB_PER_MIN = 1;

interface Sample {
  t: number;
  rssMb: number;
  requests: number;
  errors: number;
}

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

/** A fresh, empty database on the soak's engine (the test harness's helper). */
const database = () => freshDatabase(ENGINE as Engine);

/** Starts `railyard serve` and reads its URL and first test key from stdout. */
async function startServer(databaseUrl: string): Promise<{ child: ChildProcess; url: string; key: string }> {
  const child = spawn(process.execPath, [...startNodeFlags(), 'bin/railyard.js', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      RATE_LIMITS: 'off',
      LOG_LEVEL: 'warn',
      JOBS: 'on',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const key = /^\s+(sk_test_\S+)$/m.exec(output)?.[1];
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (key && url) {
        clearTimeout(timer);
        resolve({ child, url, key });
      }
      if (output.length > 100_000) output = output.slice(-10_000);
    });
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
    child.once('exit', (code) => reject(new Error(`server exited ${String(code)}: ${output}`)));
  });
}

/** A webhook receiver that answers 200 at once (deliveries are part of the load). */
async function receiver(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    count: () => n,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

type Res = { status: number; body: Record<string, unknown> };

function client(url: string, key: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const base = new URL(url);
  const authorization = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  let seq = 0;
  const call = (method: string, path: string, body?: unknown): Promise<Res> =>
    new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string | number> = { authorization };
      if (text !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(text);
      }
      if (method === 'POST') headers['idempotency-key'] = `soak-${process.pid}-${++seq}`;
      const req = http.request({ host: base.hostname, port: base.port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            parsed = {};
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('error', reject);
      req.end(text);
    });
  return { call, close: () => agent.destroy() };
}

async function main(): Promise<void> {
  const db = await database();
  const hooks = await receiver();
  const { child, url, key } = await startServer(db.url);
  const pid = child.pid!;
  const api = client(url, key);
  const stats = { requests: 0, errors: 0, unexpected: [] as string[] };
  const expectStatus = async (p: Promise<Res>, ...ok: number[]): Promise<Res> => {
    const r = await p;
    stats.requests++;
    if (!ok.includes(r.status)) {
      stats.errors++;
      if (stats.unexpected.length < 10) stats.unexpected.push(`${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    }
    return r;
  };

  await expectStatus(api.call('POST', '/v1/webhook_endpoints', { url: hooks.url, enabled_events: ['*'] }), 200);
  const product = await expectStatus(api.call('POST', '/v1/products', { name: 'Soak tee' }), 200);
  const price = await expectStatus(
    api.call('POST', '/v1/prices', { product: product.body.id, currency: 'usd', unit_amount: 1500 }),
    200,
  );
  const priceId = price.body.id as string;

  const ids = { customers: [] as string[], paid: [] as string[], sessions: [] as string[] };
  const pick = (list: string[]) => list[Math.floor(Math.random() * list.length)];
  const remember = (list: string[], id: unknown) => {
    if (typeof id !== 'string') return;
    list.push(id);
    if (list.length > 500) list.splice(0, list.length - 500);
  };

  const operations: [number, () => Promise<unknown>][] = [
    [
      10,
      async () =>
        remember(
          ids.customers,
          (
            await expectStatus(
              api.call('POST', '/v1/customers', { email: 'soak@example.com', metadata: { run: 'soak' } }),
              200,
            )
          ).body.id,
        ),
    ],
    [15, () => expectStatus(api.call('GET', `/v1/customers/${pick(ids.customers) ?? 'cus_none'}`), 200, 404)],
    [
      5,
      () =>
        expectStatus(
          api.call('POST', `/v1/customers/${pick(ids.customers) ?? 'cus_none'}`, { name: `n${Date.now()}` }),
          200,
          404,
        ),
    ],
    [10, () => expectStatus(api.call('GET', '/v1/customers?limit=20'), 200)],
    [
      8,
      async () =>
        remember(
          ids.paid,
          (
            await expectStatus(
              api.call('POST', '/v1/payment_intents', {
                amount: 2000,
                currency: 'usd',
                payment_method: 'pm_card_visa',
                confirm: true,
              }),
              200,
            )
          ).body.id,
        ),
    ],
    [
      3,
      () =>
        expectStatus(
          api.call('POST', '/v1/payment_intents', {
            amount: 2000,
            currency: 'usd',
            payment_method: 'pm_card_declined',
            confirm: true,
          }),
          402,
        ),
    ],
    [
      3,
      () =>
        expectStatus(
          api.call('POST', `/v1/payment_intents/${pick(ids.paid) ?? 'pi_none'}/refund`, { amount: 100 }),
          200,
          400,
          404,
        ),
    ],
    [5, () => expectStatus(api.call('GET', '/v1/payment_intents?limit=10&expand[]=data.customer'), 200)],
    [
      6,
      async () =>
        remember(
          ids.sessions,
          (
            await expectStatus(
              api.call('POST', '/v1/checkout/sessions', {
                line_items: [{ price: priceId, quantity: 2 }],
                success_url: 'https://shop.example/ok',
              }),
              200,
            )
          ).body.id,
        ),
    ],
    [
      6,
      () =>
        expectStatus(
          api.call('GET', `/v1/checkout/sessions/${pick(ids.sessions) ?? 'cs_none'}?expand[]=payment_intent`),
          200,
          404,
        ),
    ],
    [
      2,
      () =>
        expectStatus(
          api.call('POST', `/v1/checkout/sessions/${ids.sessions.shift() ?? 'cs_none'}/expire`, {}),
          200,
          400,
          404,
        ),
    ],
    [8, () => expectStatus(api.call('GET', '/v1/events?limit=50'), 200)],
    [4, () => expectStatus(api.call('POST', '/v1/customers', { email: 'not-an-email', unknown: true }), 400)],
    [4, () => expectStatus(api.call('GET', '/v1/payment_intents/pi_doesnotexist'), 404)],
  ];
  const total = operations.reduce((n, [w]) => n + w, 0);
  const choose = () => {
    let r = Math.random() * total;
    for (const [w, op] of operations) {
      if ((r -= w) < 0) return op;
    }
    return operations[0]![1];
  };

  const started = Date.now();
  const endAt = started + MINUTES * 60_000;
  const samples: Sample[] = [{ t: 0, rssMb: rssMb(pid), requests: 0, errors: 0 }];
  let last = { requests: 0, errors: 0 };
  const sampler = setInterval(() => {
    samples.push({
      t: Math.round((Date.now() - started) / 1000),
      rssMb: rssMb(pid),
      requests: stats.requests - last.requests,
      errors: stats.errors - last.errors,
    });
    last = { requests: stats.requests, errors: stats.errors };
    const s = samples[samples.length - 1]!;
    process.stdout.write(
      `t=${s.t}s rss=${s.rssMb} MB requests=${s.requests} errors=${s.errors} webhooks=${hooks.count()}\n`,
    );
  }, SAMPLE_S * 1000);

  const worker = async () => {
    while (Date.now() < endAt) {
      try {
        await choose()();
      } catch (err) {
        stats.errors++;
        if (stats.unexpected.length < 10) stats.unexpected.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, () => worker()));
  clearInterval(sampler);
  const elapsedS = (Date.now() - started) / 1000;
  api.close();

  const exit = await new Promise<number | null>((resolve) => {
    child.removeAllListeners('exit');
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  });
  await hooks.close();
  await db.drop();

  // The verdict: a least-squares slope over the samples after the warm-up (the first fifth, at least 30 s), and the
  // last third's median against the middle third's.
  const warm = samples.filter((s) => s.t >= Math.max(30, (MINUTES * 60) / 5));
  const n = warm.length;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const mx = mean(warm.map((s) => s.t / 60));
  const my = mean(warm.map((s) => s.rssMb));
  const slope =
    n > 1
      ? warm.reduce((a, s) => a + (s.t / 60 - mx) * (s.rssMb - my), 0) /
        Math.max(
          1e-9,
          warm.reduce((a, s) => a + (s.t / 60 - mx) ** 2, 0),
        )
      : 0;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const third = Math.max(1, Math.floor(n / 3));
  const middle = median(warm.slice(third, 2 * third).map((s) => s.rssMb));
  const end = median(warm.slice(-third).map((s) => s.rssMb));
  const steady = slope <= STEADY_SLOPE_MB_PER_MIN && end <= middle * 1.1;
  const verdict = n < 3 ? 'inconclusive (too few samples after the warm-up)' : steady ? 'steady' : 'growing';
  const peak = Math.max(...samples.map((s) => s.rssMb));

  const lines = [
    '# Soak test',
    '',
    `Generated by \`npm run soak\` (bench/soak.ts) on ${new Date().toISOString().slice(0, 10)}: ${MINUTES} minute(s) of mixed load against one`,
    `\`railyard serve\` process on ${ENGINE === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${CONNECTIONS} concurrent clients, RATE_LIMITS=off, webhook`,
    'deliveries of every event to a local receiver. RSS is read from /proc every ' + `${SAMPLE_S} s.`,
    '',
    `- Requests: ${stats.requests.toLocaleString('en-US')} (${Math.round(stats.requests / elapsedS)} per second), unexpected answers: ${stats.errors}`,
    `- Webhook deliveries received: ${hooks.count().toLocaleString('en-US')}`,
    `- RSS: ${samples[0]!.rssMb} MB at start, ${samples[samples.length - 1]!.rssMb} MB at the end, peak ${peak} MB`,
    `- After the warm-up: slope ${slope.toFixed(2)} MB/min (steady below ${STEADY_SLOPE_MB_PER_MIN}), median ${middle} MB in the middle third, ${end} MB in the last third`,
    `- Shutdown on SIGTERM: exit code ${String(exit)}`,
    '',
    `**Verdict: ${verdict}.**`,
    '',
    ...(stats.unexpected.length
      ? ['Unexpected answers (first ones):', '', ...stats.unexpected.map((u) => `- \`${u}\``), '']
      : []),
    '![RSS over time](soak.png)',
    '',
    '| t (s) | RSS (MB) | requests in interval | requests/s | unexpected |',
    '|---:|---:|---:|---:|---:|',
    ...samples.map(
      (s) =>
        `| ${s.t} | ${s.rssMb} | ${s.requests} | ${s.t === 0 ? '' : Math.round(s.requests / SAMPLE_S)} | ${s.errors} |`,
    ),
    '',
  ];
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'soak.md'), lines.join('\n'));
  const svg = lineChartSvg(
    `Railyard soak: server RSS under mixed load (${MINUTES} min, ${ENGINE === 'sqlite' ? 'SQLite' : 'PostgreSQL'})`,
    'MB',
    samples.map((s) => ({ x: s.t, y: s.rssMb })),
  );
  writeFileSync(join(RESULTS, 'soak.svg'), svg);
  if (!renderPng(join(RESULTS, 'soak.svg'), join(RESULTS, 'soak.png'), 900, 360)) process.stdout.write('(no chromium: chart left as soak.svg)\n');
  process.stdout.write(`${lines.slice(6, 14).join('\n')}\nWrote bench/results/soak.md\n`);
  if (exit !== 0 || stats.errors > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`soak: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
