/**
 * The platform benchmark: POST /v1/customers (with an Idempotency-Key per request) and GET /v1/customers/:id on
 * SQLite and PostgreSQL, each beside the bare single-INSERT endpoint measured in the same run.
 *
 *   npm run bench                      # both engines, 10 s per scenario
 *   BENCH_ENGINES=sqlite BENCH_DURATION_S=5 npm run bench
 *
 * Servers run as child processes (RATE_LIMITS=off, LOG_LEVEL=warn); autocannon drives them with 50 connections.
 * Results go to bench/results/platform-<engine>.json and bench/results/platform.md.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = new URL('..', import.meta.url).pathname;

interface Figure {
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  rssMb: number | null;
}

function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return null;
  }
}

async function startChild(args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; output: string[] }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not start: ${output.join('')}`)), 60_000);
    const onData = (d: Buffer) => {
      output.push(d.toString());
      if (ready.test(output.join(''))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    child.on('exit', (code) => reject(new Error(`child exited ${code}: ${output.join('')}`)));
  });
  return { child, output };
}

async function stop(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit');
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
}

async function load(
  scenario: string,
  pid: number | undefined,
  opts: autocannon.Options,
): Promise<Figure> {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...opts });
  return {
    scenario,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    rssMb: rssMb(pid),
  };
}

async function database(engine: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'railyard-bench-'));
    return { url: `sqlite:${join(dir, 'bench.db')}`, drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
  }
  const name = `railyard_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

async function benchEngine(engine: string): Promise<Figure[]> {
  const figures: Figure[] = [];

  // 1. The bare endpoint on its own database.
  const bareDb = await database(engine);
  const bare = await startChild(['--import', 'tsx', 'bench/bare-server.ts'], { DATABASE_URL: bareDb.url, PORT: '0' }, /listening \d+/);
  const barePort = Number(/listening (\d+)/.exec(bare.output.join(''))?.[1]);
  figures.push(
    await load('bare INSERT (POST /bare)', bare.child.pid, {
      url: `http://127.0.0.1:${barePort}/bare`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.com' }),
    }),
  );
  await stop(bare.child);
  await bareDb.drop();

  // 2. Railyard on a fresh database.
  const db = await database(engine);
  const port = String(20_000 + Math.floor(Math.random() * 20_000));
  const server = await startChild(['bin/railyard.js', 'serve'], { DATABASE_URL: db.url, PORT: port, RATE_LIMITS: 'off', LOG_LEVEL: 'warn' }, /listening on/);
  const merchant = JSON.parse(
    execFileSync(process.execPath, ['bin/railyard.js', 'merchants', 'create', '--name', 'Bench', '--json'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url },
    }).toString(),
  ) as { keys: { sk_test: string } };
  const auth = `Basic ${Buffer.from(`${merchant.keys.sk_test}:`).toString('base64')}`;
  const base = `http://127.0.0.1:${port}`;

  figures.push(
    await load('POST /v1/customers (Idempotency-Key)', server.child.pid, {
      url: `${base}/v1/customers`,
      requests: [
        {
          method: 'POST',
          path: '/v1/customers',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'bench@example.com', name: 'Bench', metadata: { run: 'bench' } }),
          setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': randomUUID() } }),
        },
      ],
    }),
  );

  const one = (await (
    await fetch(`${base}/v1/customers`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ email: 'one@example.com' }),
    })
  ).json()) as { id: string };
  figures.push(
    await load('GET /v1/customers/:id', server.child.pid, {
      url: `${base}/v1/customers/${one.id}`,
      headers: { authorization: auth },
    }),
  );
  figures.push(
    await load('GET /v1/customers?limit=10', server.child.pid, {
      url: `${base}/v1/customers?limit=10`,
      headers: { authorization: auth },
    }),
  );
  await stop(server.child);
  await db.drop();
  return figures;
}

const all: Record<string, Figure[]> = {};
for (const engine of ENGINES) {
  process.stdout.write(`benchmarking ${engine} (${DURATION_S} s per scenario, ${CONNECTIONS} connections)…\n`);
  all[engine] = await benchEngine(engine);
  writeFileSync(join(ROOT, `bench/results/platform-${engine}.json`), JSON.stringify(all[engine], null, 2) + '\n');
}

const lines = [
  `# Platform benchmark`,
  '',
  `${CONNECTIONS} connections, ${DURATION_S} s per scenario, RATE_LIMITS=off, LOG_LEVEL=warn, ${new Date().toISOString().slice(0, 10)}.`,
  `Machine: ${execFileSync('nproc').toString().trim()} cores, Node ${process.version}.`,
  '',
  '| engine | scenario | req/s | vs bare | p50 ms | p99 ms | non-2xx | RSS MB |',
  '|---|---|---:|---:|---:|---:|---:|---:|',
];
for (const [engine, figures] of Object.entries(all)) {
  const bareRps = figures[0]?.rps ?? 0;
  for (const f of figures) {
    const ratio = bareRps ? `${Math.round((f.rps / bareRps) * 100)}%` : '';
    lines.push(`| ${engine} | ${f.scenario} | ${f.rps} | ${ratio} | ${f.p50} | ${f.p99} | ${f.non2xx + f.errors} | ${f.rssMb ?? ''} |`);
  }
}
const table = lines.join('\n') + '\n';
writeFileSync(join(ROOT, 'bench/results/platform.md'), table);
process.stdout.write(table);
