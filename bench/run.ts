/**
 * The benchmark suite (`npm run bench`). On SQLite and on PostgreSQL, each scenario beside the bare single-INSERT
 * endpoint measured in the same run:
 *   - POST /v1/customers, POST /v1/payment_intents (confirm with pm_card_visa), POST /v1/checkout/sessions with two
 *     line items, GET /v1/customers/:id, GET /v1/customers?limit=10 — autocannon, 50 connections, RATE_LIMITS=off;
 *   - checkout session create again after 1,000,000 sessions (and as many PaymentIntents and events) are stored;
 *   - webhook deliveries per second to a local receiver (bench/webhook-delivery.ts);
 *   - the server's RSS after each scenario, the CPU per request of the server and (PostgreSQL) the database, and
 *     PostgreSQL's WAL per request.
 * Results: bench/results/bench.md, bench/results/bench.json and a chart bench/results/bench.png (rendered with the
 * system's chromium when present; the SVG is kept beside it).
 *
 *   BENCH_ENGINES=sqlite BENCH_DURATION_S=5 BENCH_GROWTH_ROWS=100000 npm run bench
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import pg from 'pg';
import { openStore, type Engine, type Store } from '../src/db/store.js';
import { freshDatabase } from '../test/harness.js';
import { renderPng } from './chart.js';
import { startNodeFlags } from './start-flags.js';

const CONNECTIONS = 50;
// 30 s a scenario: long enough that PostgreSQL's checkpoints (one every 16–17 s under PaymentIntent load) fall in every
// measurement at their real frequency; a 10 s window held one checkpoint's commit stall or none, and its p99 swung with
// that (bench/README.md).
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 30);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
const GROWTH_ROWS = Number(process.env.BENCH_GROWTH_ROWS ?? 1_000_000);
const ROOT = new URL('..', import.meta.url).pathname;
const RESULTS = join(ROOT, 'bench/results');

interface Figure {
  engine: string;
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  rssMb: number | null;
  /** CPU time per request (user + system, µs) of the server process and, on PostgreSQL, of the database's processes. */
  serverCpuUs: number | null;
  databaseCpuUs: number | null;
  /** PostgreSQL's WAL per request (bytes): what every commit must write and flush, and checkpoints must copy. */
  walBytes: number | null;
  /**
   * PostgreSQL checkpoints started during the measurement: while one runs, WAL segments may have to be created
   * (zero-filled and synced) and data files are synced, and every commit waits behind those writes (bench/README.md).
   */
  checkpoints: number | null;
  /** The bare endpoint's rate in the same run, for the ratio. */
  bareRps: number;
}

/** CPU time (user + system, ms) a process has used, from /proc; 0 when it is gone. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return 0;
  }
}

/** CPU time (ms) used so far by every PostgreSQL process on this machine (the server and its backends). */
function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuMs(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return null;
  }
}

async function startChild(args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; output: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not start: ${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`child exited ${code}: ${output}`)));
  });
  return { child, output };
}

async function stop(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit');
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/**
 * One load run against the server `pid` on `engine`, with the CPU each side spent per request: the figure that
 * does not drift with the machine's speed from one minute to the next, as the rate does.
 */
async function load(opts: autocannon.Options, pid: number | undefined, engine: string, url: string): Promise<Omit<Figure, 'engine' | 'scenario' | 'rssMb' | 'bareRps'>> {
  const pg = engine === 'postgres';
  const wal0 = pg ? await walStats(url) : undefined;
  const checkpoints0 = pg ? await checkpointCount(url) : undefined;
  const server0 = pid ? cpuMs(pid) : 0;
  const database0 = pg ? postgresCpuMs() : 0;
  const r = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...opts });
  const perRequest = (ms: number) => (r.requests.total > 0 ? Math.round((ms * 1000) / r.requests.total) : null);
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    failures: r.non2xx + r.errors + r.timeouts,
    serverCpuUs: pid ? perRequest(cpuMs(pid) - server0) : null,
    databaseCpuUs: pg ? perRequest(postgresCpuMs() - database0) : null,
    ...(await walFigures(url, wal0, r.requests.total)),
    checkpoints: pg && checkpoints0 !== undefined ? ((await checkpointCount(url)) ?? checkpoints0) - checkpoints0 : null,
  };
}

/** How many checkpoints PostgreSQL has started (timed or requested), from pg_stat_bgwriter. */
async function checkpointCount(url: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>('select checkpoints_timed + checkpoints_req as n from pg_stat_bgwriter');
    return r.rows[0] ? Number(r.rows[0].n) : undefined;
  } catch {
    return undefined; // an engine without the view
  } finally {
    await client.end();
  }
}

/**
 * The PostgreSQL settings that decide how often the server checkpoints and whether it must create WAL segments under
 * a sustained write load, recorded beside the figures (docs/deploy.md, "PostgreSQL settings").
 */
async function postgresSettings(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const names = ['shared_buffers', 'max_wal_size', 'min_wal_size', 'checkpoint_timeout', 'synchronous_commit'];
    const r = await client.query<{ name: string; value: string }>(
      'select name, current_setting(name) as value from pg_settings where name = any($1) order by array_position($1, name)',
      [names],
    );
    const version = (await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v ?? '';
    return `PostgreSQL ${version.split(' ')[0]}: ${r.rows.map((row) => `${row.name} ${row.value}`).join(', ')}`;
  } finally {
    await client.end();
  }
}

/** The bytes of WAL the PostgreSQL server has written so far (pg_stat_wal, PostgreSQL 14 and later). */
async function walStats(url: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ bytes: string }>('select wal_bytes as bytes from pg_stat_wal');
    const row = r.rows[0];
    return row ? Number(row.bytes) : undefined;
  } catch {
    return undefined; // an engine without the view
  } finally {
    await client.end();
  }
}

async function walFigures(url: string, before: number | undefined, requests: number): Promise<Pick<Figure, 'walBytes'>> {
  // Backends report their WAL figures about once a second: wait for the last ones.
  await new Promise((r) => setTimeout(r, before === undefined ? 0 : 1500));
  const after = before === undefined ? undefined : await walStats(url);
  if (before === undefined || after === undefined || requests === 0) return { walBytes: null };
  return { walBytes: Math.round((after - before) / requests) };
}

/**
 * Waits until the webhook worker has fanned out every event written so far (at most two minutes), so that each
 * scenario starts from a quiet server rather than sharing the machine with the previous scenario's backlog.
 */
async function settle(monitor: Store): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const row = await monitor.db.selectFrom('event_outbox').select((eb) => eb.fn.countAll().as('n')).where('dispatched_at', 'is', null).executeTakeFirst();
    if (Number(row?.n ?? 0) === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, 1000));
}

/** A fresh, empty database on the engine (the test harness's helper). */
const database = (engine: string) => freshDatabase(engine as Engine);

/**
 * Copies a template row of `table` n times with new ids and older `created` values, in SQL. The copies' ids are
 * older too (`cs_0000…`, below every id minted now, whose time part starts far above `0`), as a million sessions
 * made before would have: new ids then land at the right edge of each id index, as they do in production. Ids
 * that sorted after the new ones (`cs_seed…`, the earlier seeding) made every id-index insert land in the middle of
 * a million-entry index instead: PostgreSQL's B-tree read about half as many blocks again per merged INSERT of
 * sessions and PaymentIntents (`pg_stat_statements`: 183 → 250 and 77 → 122 blocks a statement), a cost no
 * deployment has.
 */
async function seedCopies(url: string, table: string, prefix: string, n: number): Promise<void> {
  const store = openStore(url);
  try {
    const template = (await store.db.selectFrom(table).selectAll().limit(1).executeTakeFirst()) as Record<string, unknown> | undefined;
    if (!template) throw new Error(`no ${table} row to copy`);
    const columns = Object.keys(template);
    const select = columns.map((c) => {
      if (c === 'id') return store.engine === 'postgres' ? `'${prefix}_0' || lpad(n::text, 23, '0')` : `'${prefix}_0' || printf('%023d', n)`;
      if (c === 'created') return `created - 86400 - n`;
      if (c === 'status' && table === 'checkout_sessions') return `'expired'`;
      return `"${c}"`;
    });
    const list = columns.map((c) => `"${c}"`).join(', ');
    const batch = 100_000;
    for (let start = 1; start <= n; start += batch) {
      const end = Math.min(n, start + batch - 1);
      const series =
        store.engine === 'postgres'
          ? `generate_series(${start}, ${end}) as g(n)`
          : `(with recursive s(n) as (select ${start} union all select n + 1 from s where n < ${end}) select n from s) as g`;
      await sql.raw(`insert into ${table} (${list}) select ${select.join(', ')} from ${table} t, ${series} where t.id = '${String(template.id)}'`).execute(store.db);
    }
    // As after any bulk load: vacuumed and analyzed now, so that autovacuum does not do it during the measurement.
    if (store.engine === 'postgres') await sql.raw(`vacuum (analyze) ${table}`).execute(store.db);
  } finally {
    await store.close();
  }
}

/**
 * After the bulk load, as an operator would: the engine writes the loaded pages out now (PostgreSQL CHECKPOINT;
 * SQLite folds its WAL file back into the database), instead of during the next measurement. Without it, the
 * checkpoint the seeding started could land inside the 1M-row scenario (seen: p99 over 2 s on PostgreSQL).
 */
async function checkpoint(url: string): Promise<void> {
  const store = openStore(url);
  try {
    if (store.engine === 'postgres') await sql.raw('checkpoint').execute(store.db);
    else await sql.raw('pragma wal_checkpoint(truncate)').execute(store.db);
  } finally {
    await store.close();
  }
}

/**
 * 5 s of a scenario's load, not measured, on a process that has just started or code it has not run yet: it is
 * still compiling that code (measured: its first 10 s of load cost 19–35% more server CPU per request than the next
 * 10 s). Every server is warmed before its first measurement — the bare endpoint, the Railyard server, and the one
 * restarted after seeding — and every scenario before its own, but the session scenario with 1,000 stored, whose
 * warm-up is the creation of those sessions (a longer one would store more).
 */
async function warm(opts: autocannon.Options): Promise<void> {
  await autocannon({ ...opts, connections: CONNECTIONS, duration: 5 });
}

async function railyard(url: string) {
  const port = String(20_000 + Math.floor(Math.random() * 20_000));
  const server = await startChild([...startNodeFlags(), 'bin/railyard.js', 'serve'], { DATABASE_URL: url, PORT: port, RATE_LIMITS: 'off', LOG_LEVEL: 'warn', RAILYARD_SECRETS_KEY: '11'.repeat(32) }, /listening on/);
  return { ...server, base: `http://127.0.0.1:${port}` };
}

async function benchEngine(engine: string): Promise<Figure[]> {
  const figures: Figure[] = [];
  const add = (scenario: string, pid: number | undefined, f: Awaited<ReturnType<typeof load>>, bareRps: number) =>
    figures.push({ engine, scenario, ...f, rssMb: rssMb(pid), bareRps });

  // The bare endpoint, on its own database.
  const bareDb = await database(engine);
  const bare = await startChild(['--import', 'tsx', 'bench/bare-server.ts'], { DATABASE_URL: bareDb.url, PORT: '0' }, /listening \d+/);
  const barePort = Number(/listening (\d+)/.exec(bare.output)?.[1]);
  const bareLoad: autocannon.Options = {
    url: `http://127.0.0.1:${barePort}/bare`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com' }),
  };
  await warm(bareLoad);
  const bareFigure = await load(bareLoad, bare.child.pid, engine, bareDb.url);
  add('bare INSERT (same engine)', bare.child.pid, bareFigure, bareFigure.rps);
  await stop(bare.child);
  await bareDb.drop();
  const bareRps = bareFigure.rps;

  const db = await database(engine);
  const monitor = openStore(db.url, { poolSize: 1 });
  let server = await railyard(db.url);
  /** One measured scenario on the Railyard server, started once the previous one's webhook backlog is drained. */
  const scenario = async (name: string, opts: autocannon.Options) => {
    await settle(monitor);
    add(name, server.child.pid, await load(opts, server.child.pid, engine, db.url), bareRps);
  };
  const merchant = JSON.parse(
    execFileSync(process.execPath, ['bin/railyard.js', 'merchants', 'create', '--name', 'Bench', '--json'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url } }).toString(),
  ) as { keys: { sk_test: string } };
  const headers = { authorization: `Basic ${Buffer.from(`${merchant.keys.sk_test}:`).toString('base64')}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) =>
    (await (await fetch(server.base + path, { method: 'POST', headers: { ...headers, 'idempotency-key': randomUUID() }, body: JSON.stringify(body) })).json()) as Record<string, unknown>;
  const posting = (path: string, body: unknown): autocannon.Options => ({
    url: server.base + path,
    requests: [
      {
        method: 'POST',
        path,
        headers,
        body: JSON.stringify(body),
        setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...req.headers, 'idempotency-key': randomUUID() } }),
      },
    ],
  });

  const customerLoad = posting('/v1/customers', { email: 'bench@example.com', name: 'Bench', metadata: { run: 'bench' } });
  await warm(customerLoad);
  await scenario('POST /v1/customers', customerLoad);
  // Measured with a client of our own, the PaymentIntent load's slow answers nearly all came in its first 0.5–1 s,
  // while its code was being compiled: that second was most of the scenario's p99.
  const paymentLoad = posting('/v1/payment_intents', { amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
  await warm(paymentLoad);
  await scenario('POST /v1/payment_intents (confirm, pm_card_visa)', paymentLoad);

  const product = await post('/v1/products', { name: 'Bench T-shirt' });
  const priceA = await post('/v1/prices', { product: product.id, currency: 'usd', unit_amount: 2500 });
  const priceB = await post('/v1/prices', { product: product.id, currency: 'usd', unit_amount: 900 });
  const sessionBody = {
    mode: 'payment',
    success_url: 'https://example.com/success?session_id={CHECKOUT_SESSION_ID}',
    line_items: [
      { price: priceA.id, quantity: 2 },
      { price: priceB.id, quantity: 1 },
    ],
  };
  for (let i = 0; i < 1000; i += 50) await Promise.all(Array.from({ length: 50 }, () => post('/v1/checkout/sessions', sessionBody)));
  const sessionLoad = posting('/v1/checkout/sessions', sessionBody);
  await scenario('POST /v1/checkout/sessions (2 line items, 1k stored)', sessionLoad);

  const one = await post('/v1/customers', { email: 'one@example.com' });
  const getLoad = { url: `${server.base}/v1/customers/${String(one.id)}`, headers };
  await warm(getLoad);
  await scenario('GET /v1/customers/:id', getLoad);
  const listLoad = { url: `${server.base}/v1/customers?limit=10`, headers };
  await warm(listLoad);
  await scenario('GET /v1/customers?limit=10 (list page)', listLoad);

  // Growth: the same session create with GROWTH_ROWS sessions, PaymentIntents and events already stored.
  await stop(server.child);
  process.stdout.write(`  seeding ${GROWTH_ROWS} sessions, payment intents and events…\n`);
  await seedCopies(db.url, 'checkout_sessions', 'cs', GROWTH_ROWS);
  await seedCopies(db.url, 'payment_intents', 'pi', GROWTH_ROWS);
  await seedCopies(db.url, 'events', 'evt', GROWTH_ROWS);
  await checkpoint(db.url);
  server = await railyard(db.url);
  // The restarted server (on a port of its own) is warmed first, as the first one was (without it, its cold start
  // was read as growth).
  const grownSessionLoad = posting('/v1/checkout/sessions', sessionBody);
  await warm(grownSessionLoad);
  await scenario(`POST /v1/checkout/sessions (2 line items, ${GROWTH_ROWS >= 1_000_000 ? `${GROWTH_ROWS / 1_000_000}M` : GROWTH_ROWS} stored)`, grownSessionLoad);
  await scenario(`GET /v1/checkout/sessions?limit=10 (${GROWTH_ROWS} stored)`, { url: `${server.base}/v1/checkout/sessions?limit=10`, headers });
  await stop(server.child);
  await monitor.close();
  await db.drop();

  // Webhook deliveries per second (one process, local receiver).
  const hookDb = await database(engine);
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/webhook-delivery.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...(engine === 'postgres' ? { DATABASE_URL: hookDb.url } : {}), RAILYARD_SECRETS_KEY: '11'.repeat(32) },
  }).toString();
  await hookDb.drop();
  const rate = Number(/= (\d+)\/s/.exec(out)?.[1] ?? 0);
  const p50 = Number(/p50 (\d+) ms/.exec(out)?.[1] ?? 0);
  const p99 = Number(/p99 (\d+) ms/.exec(out)?.[1] ?? 0);
  figures.push({ engine, scenario: 'webhook deliveries/s (commit → first attempt)', rps: rate, p50, p99, failures: 0, rssMb: null, serverCpuUs: null, databaseCpuUs: null, walBytes: null, checkpoints: null, bareRps });
  return figures;
}

function chartSvg(figures: Figure[]): string {
  const rows = figures;
  const max = Math.max(...rows.map((f) => f.rps), 1);
  const rowH = 22;
  const left = 430;
  const width = 1000;
  const height = 40 + rows.length * rowH + 20;
  const bars = rows
    .map((f, i) => {
      const y = 40 + i * rowH;
      const w = Math.max(1, Math.round(((width - left - 90) * f.rps) / max));
      const color = f.scenario.startsWith('bare') ? '#888' : f.engine === 'sqlite' ? '#2f6fb0' : '#2f9b5a';
      const label = `${f.engine} · ${f.scenario}`.replace(/&/g, '&amp;').replace(/</g, '&lt;');
      return `<text x="${left - 8}" y="${y + 15}" text-anchor="end" font-size="12">${label}</text><rect x="${left}" y="${y + 3}" width="${w}" height="${rowH - 6}" fill="${color}"/><text x="${left + w + 6}" y="${y + 15}" font-size="12">${f.rps}/s</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><rect width="100%" height="100%" fill="#fff"/><text x="16" y="24" font-size="15" font-weight="bold">Railyard throughput (requests or deliveries per second; grey = bare INSERT in the same run)</text>${bars}</svg>`;
}

const all: Figure[] = [];
let settings = '';
for (const engine of ENGINES) {
  if (engine === 'postgres') {
    const probe = await database(engine);
    settings = await postgresSettings(probe.url);
    await probe.drop();
  }
  process.stdout.write(`benchmarking ${engine} (${DURATION_S} s per scenario, ${CONNECTIONS} connections)…\n`);
  all.push(...(await benchEngine(engine)));
}

const lines = [
  '# Benchmark results',
  '',
  `${CONNECTIONS} connections, ${DURATION_S} s per scenario, RATE_LIMITS=off, LOG_LEVEL=warn, ${new Date().toISOString().slice(0, 10)}; ` +
    `client, server and database share one machine (${execFileSync('nproc').toString().trim()} cores, Node ${process.version}).` +
    (settings ? ` ${settings}.` : ''),
  '',
  '| engine | scenario | req/s | vs bare | p50 ms | p99 ms | failures | server RSS MB | server CPU µs/req | PostgreSQL CPU µs/req | PostgreSQL WAL B/req | checkpoints |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...all.map((f) => {
    const ratio = f.scenario.startsWith('webhook') ? '' : `${Math.round((f.rps / f.bareRps) * 100)}%`;
    return `| ${f.engine} | ${f.scenario} | ${f.rps} | ${ratio} | ${f.p50} | ${f.p99} | ${f.failures} | ${f.rssMb ?? ''} | ${f.serverCpuUs ?? ''} | ${f.databaseCpuUs ?? ''} | ${f.walBytes ?? ''} | ${f.checkpoints ?? ''} |`;
  }),
  '',
  '![throughput](bench.png)',
  '',
];
writeFileSync(join(RESULTS, 'bench.json'), JSON.stringify(all, null, 2) + '\n');
writeFileSync(join(RESULTS, 'bench.md'), lines.join('\n'));
const svg = chartSvg(all);
writeFileSync(join(RESULTS, 'bench.svg'), svg);
const height = 40 + all.length * 22 + 20;
if (!renderPng(join(RESULTS, 'bench.svg'), join(RESULTS, 'bench.png'), 1000, height)) process.stdout.write('(no chromium: chart left as bench.svg)\n');
process.stdout.write(lines.join('\n'));

// A scenario whose requests failed measured nothing: say so, and exit non-zero.
const failed = all.filter((f) => f.failures > 0);
for (const f of failed) process.stderr.write(`\n${f.engine} · ${f.scenario}: ${f.failures} failed requests\n`);
if (failed.length > 0) process.exitCode = 1;
