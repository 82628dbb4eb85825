/**
 * Scale-out test (`npm run test:cluster`): three Railyard processes (`node bin/railyard.js serve`, each with its own
 * PORT, the same DATABASE_URL and RAILYARD_SECRETS_KEY, each running the scheduler) on one fresh PostgreSQL
 * database, behind a round-robin client (the base URL alternates per request). It checks, in phases:
 *
 *   0. start-up: the three nodes start at once on an empty database (concurrent migrations) and all become ready;
 *   1. idempotency: the same key sent concurrently to all three nodes → exactly one execution, replays or 409
 *      elsewhere (objects and events counted in the database);
 *   2. load without faults: a money workload round-robin over the nodes, sessions expired by the job after
 *      test-clock advances; every session expires exactly once and every event is delivered exactly once per
 *      endpoint (two endpoints), though every node runs the webhook worker and the expiry job;
 *   3. a node killed with SIGKILL mid-load: requests it left unanswered are sent again with their key to another
 *      node and succeed once; every acknowledged write exists; delivery stays at least once, and every duplicate is a
 *      re-delivery of an attempt the killed node never recorded.
 *
 * Figures go to bench/results/cluster.md. Exit status 0 only when every check passes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/db/store.js';
import { freshDatabase } from '../harness.js';
import { autoExpiryDone, checkReplays, checkStorage, Report, waitUntil, webhooksDrained } from '../load/invariants.js';
import { getJson, Journal, type Entry } from '../load/journal.js';
import { createMerchantWithCli, freePort, RailyardProcess, sleep } from '../load/railyard-process.js';
import { WebhookReceiver } from '../load/receiver.js';
import { writeResults } from '../load/results.js';
import { Model, UnexpectedAnswer, Workload, type MerchantRef } from '../load/workload.js';

const NODES = 3;
const WORKERS = 12;
const BUDGET_MS = 300_000;

const report = new Report();
const work = mkdtempSync(join(tmpdir(), 'railyard-cluster-'));
const started = Date.now();
const database = await freshDatabase('postgres');
const env = { DATABASE_URL: database.url, RAILYARD_SECRETS_KEY: randomBytes(32).toString('hex') };
const receiver = new WebhookReceiver();
await receiver.start();
const nodes: RailyardProcess[] = [];
for (let i = 0; i < NODES; i++) {
  nodes.push(
    new RailyardProcess({
      name: `node-${i + 1}`,
      port: await freePort(),
      env,
      logFile: join(work, `node-${i + 1}.log`),
    }),
  );
}
const down = new Set<RailyardProcess>();
let rr = 0;
/** Round-robin over the nodes that are up: each attempt (a replay included) goes to the next one. */
const nextBase = () => {
  const live = nodes.filter((n) => !down.has(n));
  return (live[rr++ % live.length] as RailyardProcess).url;
};
const watchdog = setTimeout(() => {
  process.stdout.write(`FAIL: the cluster run exceeded ${BUDGET_MS / 1000} s; logs in ${work}\n`);
  void Promise.all(nodes.map((n) => n.kill())).finally(() => process.exit(1));
}, BUDGET_MS);

let store: Store | undefined;
try {
  // Phase 0: three nodes start at once on the empty database.
  process.stdout.write(`\n== cluster: ${NODES} nodes on one PostgreSQL database\n`);
  const t0 = Date.now();
  await Promise.all(nodes.map((n) => n.start(60_000)));
  report.figure('nodes', NODES);
  report.figure('concurrent first start of the nodes on an empty database, to all ready (ms)', Date.now() - t0);
  store = openStore(database.url, { poolSize: 4 });
  const migrations = (await store.db.selectFrom('railyard_migrations').select('name').execute()) as { name: string }[];
  report.check(
    'three nodes migrating an empty database at once: all ready, each migration applied once',
    migrations.length === new Set(migrations.map((m) => m.name)).size && migrations.length > 0,
    `${migrations.length} migrations recorded`,
  );
  const firstMerchants = (await store.db.selectFrom('merchants').select('id').execute()).length;
  report.figure(
    'merchants made by the first-start bootstrap (each node that found the database empty made one)',
    firstMerchants,
  );

  const shopKeys = createMerchantWithCli('Cluster shop', env);
  const expiryKeys = createMerchantWithCli('Cluster expiry', env);
  const stormKeys = createMerchantWithCli('Cluster idempotency', env);
  const shop: MerchantRef = {
    name: 'shop',
    id: shopKeys.id,
    sk: shopKeys.keys.sk_test,
    pk: shopKeys.keys.pk_test,
    hooks: [],
  };
  const expiry: MerchantRef = {
    name: 'expiry',
    id: expiryKeys.id,
    sk: expiryKeys.keys.sk_test,
    pk: expiryKeys.keys.pk_test,
    hooks: [],
  };

  // Phase 1: one key, sent concurrently to every node.
  process.stdout.write('-- phase 1: the same Idempotency-Key on all nodes at once\n');
  await phaseSameKey(store, stormKeys.id, stormKeys.keys.sk_test, stormKeys.keys.pk_test);

  // Phase 2: load round-robin over the three nodes, no fault.
  process.stdout.write('-- phase 2: round-robin load, no fault\n');
  const journal = new Journal({ pickBase: () => nextBase(), giveUpMs: 60_000, logFile: join(work, 'journal.jsonl') });
  const model = new Model();
  const s1 = await Workload.setUp(journal, model, shop, [
    { name: 'shop-a', url: receiver.urlFor('shop-a') },
    { name: 'shop-b', url: receiver.urlFor('shop-b') },
  ]);
  const s2 = await Workload.setUp(journal, model, expiry, [{ name: 'expiry', url: receiver.urlFor('expiry') }]);
  for (const [name, secret] of [...s1.secrets, ...s2.secrets]) receiver.setSecret(name, secret);
  const shopLoad = new Workload(journal, model, shop, { price: s1.price, unitAmount: s1.unitAmount });
  const expiryLoad = new Workload(journal, model, expiry, { price: s2.price, unitAmount: s2.unitAmount });
  const problems: string[] = [];
  let clockNow = (await getJson(nextBase(), expiry.sk, '/v1/test_helpers/clock')).body.now as number;
  let advances = 0;

  const runLoad = async (ms: number, during?: () => Promise<void>) => {
    let stopping = false;
    const guard = async (f: () => Promise<void>) => {
      try {
        await f();
      } catch (err) {
        problems.push(err instanceof UnexpectedAnswer ? err.message : `client error: ${String(err)}`);
      }
    };
    const workers = Array.from({ length: WORKERS }, async () => {
      while (!stopping) await guard(() => shopLoad.runOne());
    });
    const expiryWorker = (async () => {
      // At most 30 advances of 1,901 s in all (≈ 16 h): the merchant's idempotency keys, kept 24 h on its clock, must
      // outlive the run for the final replay check.
      while (!stopping && advances < 30) {
        await guard(async () => {
          clockNow = await expiryLoad.expiryRound(clockNow, 4);
          advances++;
        });
        // Other nodes cache the merchant's clock for up to 2 s; the next round's expires_at is computed from the
        // advanced clock anyway and stays within bounds on a node that lags.
        await sleep(600);
      }
    })();
    const extra = during?.();
    await sleep(ms);
    stopping = true;
    await Promise.all([...workers, expiryWorker, extra]);
  };

  const p2 = Date.now();
  await runLoad(15_000);
  const p2ms = Date.now() - p2;
  const entriesAfterPhase2 = journal.entries.length;
  const expiry2 = await waitUntil(() => autoExpiryDone(store!, model), 30_000);
  report.check(
    'phase 2: every session due for automatic expiry expired (the job runs on all three nodes)',
    expiry2 >= 0,
    expiry2 >= 0 ? `within ${(expiry2 / 1000).toFixed(1)} s` : 'not within 30 s',
  );
  const drain2 = await waitUntil(() => webhooksDrained(store!, receiver, [shop, expiry]), 60_000);
  report.check(
    'phase 2: the outbox drained (three webhook workers sharing it)',
    drain2 >= 0,
    drain2 >= 0 ? `within ${(drain2 / 1000).toFixed(1)} s after the load` : 'not within 60 s',
  );
  const phase2 = new Report(true);
  await checkStorage(phase2, store, model, [shop, expiry], receiver, { exactlyOnceDelivery: true });
  for (const c of phase2.checks) report.check(`phase 2: ${c.name}`, c.ok, c.detail);
  report.figure('phase 2: load duration (s)', (p2ms / 1000).toFixed(1));
  report.figure('phase 2: requests', entriesAfterPhase2);
  report.figure('phase 2: events', phase2.figures.get('events') ?? 0);
  report.figure(
    'phase 2: deliveries received (two endpoints for the shop, one for the expiry merchant)',
    phase2.figures.get('deliveries received') ?? 0,
  );
  report.figure(
    'phase 2: duplicate deliveries',
    phase2.figures.get('duplicate deliveries (same Webhook-Id, same endpoint)') ?? 0,
  );
  report.figure(
    'phase 2: sessions expired by the job',
    [...model.sessions.values()].filter((s) => s.via === 'automatic').length,
  );
  const perNode = new Map<string, number>();
  for (const e of journal.entries) if (e.ack) perNode.set(e.ack.base, (perNode.get(e.ack.base) ?? 0) + 1);
  report.figure('phase 2: requests answered per node', nodes.map((n) => perNode.get(n.url) ?? 0).join(' / '));

  // Phase 3: the same load; node 2 is killed with SIGKILL in the middle and stays down until the load ends. A kill
  // can land just after the node wrote its last answers (they were still in flight in the client); then it cut
  // nothing off and proves nothing, so the node is started again and struck again, up to five times.
  process.stdout.write('-- phase 3: round-robin load, one node killed mid-load\n');
  const victim = nodes[1] as RailyardProcess;
  let inFlightAtKill = 0;
  let strikes = 0;
  const p3 = Date.now();
  const phase3CutOff = () => journal.entries.slice(entriesAfterPhase2).filter((e) => e.unanswered > 0);
  await runLoad(16_000, async () => {
    await sleep(4_000 + Math.random() * 4_000);
    for (;;) {
      // Strike while the victim has requests on the wire, so the kill cuts some of them off.
      const until = Date.now() + 3_000;
      while ((journal.inFlight.get(victim.url) ?? 0) < 2 && Date.now() < until) await sleep(1);
      inFlightAtKill = journal.inFlight.get(victim.url) ?? 0;
      down.add(victim);
      await victim.kill();
      strikes++;
      process.stdout.write(`  killed ${victim.options.name} with ${inFlightAtKill} requests on the wire to it\n`);
      await sleep(300);
      if (phase3CutOff().length > 0 || strikes >= 5) break;
      process.stdout.write('  the kill cut no request off; starting the node again to strike once more\n');
      await victim.start();
      down.delete(victim);
      await sleep(500);
    }
  });
  const p3ms = Date.now() - p3;
  // The killed node rejoins (a restart), so the checks below use all three nodes again.
  await victim.start();
  down.delete(victim);

  const phase3Entries = journal.entries.slice(entriesAfterPhase2);
  const cutOff = phase3CutOff();
  const movedOn = cutOff.filter((e: Entry) => e.ack && e.ack.base !== victim.url);
  report.check(
    'phase 3: every request the killed node left unanswered was acknowledged by another node with the same key',
    cutOff.length > 0 && cutOff.every((e) => e.ack !== undefined) && movedOn.length === cutOff.length,
    `${cutOff.length} cut off, ${movedOn.length} acknowledged elsewhere (${cutOff.filter((e) => e.ack?.replayed).length} of them stored replays: committed before the kill)`,
  );

  const expiry3 = await waitUntil(() => autoExpiryDone(store!, model), 30_000);
  report.check(
    'phase 3: every session due for automatic expiry expired',
    expiry3 >= 0,
    expiry3 >= 0 ? `within ${(expiry3 / 1000).toFixed(1)} s` : 'not within 30 s',
  );
  const drain3 = await waitUntil(() => webhooksDrained(store!, receiver, [shop, expiry]), 120_000);
  report.check(
    "phase 3: the outbox drained (the killed node's leases expire after 60 s)",
    drain3 >= 0,
    drain3 >= 0 ? `within ${(drain3 / 1000).toFixed(1)} s after the load` : 'not within 120 s',
  );
  await checkReplays(report, journal, () => nextBase());
  await checkStorage(report, store, model, [shop, expiry], receiver, { exactlyOnceDelivery: false });
  const stats = journal.stats();
  report.check(
    'every flow got the answers it expected (no unexpected status after a replay)',
    problems.length === 0,
    problems.slice(0, 5).join('; '),
  );
  report.check('no 5xx answer', stats.serverErrors5xx === 0, `${stats.serverErrors5xx} answers with status ≥ 500`);
  report.check(
    'no node died on its own',
    nodes.every((n) => n.unexpectedExits === 0),
    nodes.map((n) => n.unexpectedExits).join(' / '),
  );
  report.figure('phase 3: load duration (s)', (p3ms / 1000).toFixed(1));
  report.figure('phase 3: requests', phase3Entries.length);
  report.figure('phase 3: requests on the wire to the node when it was killed', inFlightAtKill);
  report.figure('phase 3: kills until one cut requests off', strikes);
  report.figure('phase 3: requests cut off by the kill, replayed on another node', movedOn.length);
  report.figure('phase 3: outbox drain after the load (s)', drain3 >= 0 ? (drain3 / 1000).toFixed(1) : 'not drained');
  report.figure('test-clock advances (expiry merchant)', advances);
  report.figure('requests in all (journal entries, each with its own key)', stats.requests);
  report.figure('HTTP attempts', stats.httpAttempts);
  report.figure('409 idempotency_key_in_use answers during the load (retried)', stats.inUse409);
  for (const [flow, n] of [...model.flows].sort()) report.figure(`flows: ${flow}`, n);
  report.figure('run time (s)', ((Date.now() - started) / 1000).toFixed(1));
} catch (err) {
  report.check('the run completed', false, err instanceof Error ? err.message : String(err));
} finally {
  clearTimeout(watchdog);
  await store?.close();
  await Promise.all(nodes.map((n) => n.close()));
  await receiver.close();
  if (report.passed) {
    await database.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Phase 1: for each kind of write, rounds of one key sent to all nodes at once (5 copies per node). */
async function phaseSameKey(db: Store, merchantId: string, sk: string, pk: string): Promise<void> {
  const ROUNDS = 6;
  const PER_NODE = 5;
  let executions = 0;
  let replays = 0;
  let inUse = 0;
  const issues: string[] = [];
  const everywhere = async (
    apiKey: string,
    path: string,
    body: unknown,
    expectedStatus = 200,
  ): Promise<{ text: string; body: Record<string, unknown> } | undefined> => {
    const key = `cluster-${randomUUID()}`;
    const send = async (base: string) => {
      const res = await fetch(base + path, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        replayed: res.headers.get('idempotent-replayed') === 'true',
        text: await res.text(),
      };
    };
    const answers = await Promise.all(nodes.flatMap((n) => Array.from({ length: PER_NODE }, () => send(n.url))));
    const executed = answers.filter((a) => a.status !== 409 && !a.replayed);
    executions += executed.length;
    replays += answers.filter((a) => a.replayed).length;
    inUse += answers.filter((a) => a.status === 409).length;
    const winner = executed[0];
    if (executed.length !== 1 || !winner || winner.status !== expectedStatus) {
      issues.push(`${path}: ${executed.length} executions (${executed.map((a) => a.status).join(',')})`);
      return undefined;
    }
    for (const a of answers) {
      if (a.status === 409) {
        if (!a.text.includes('idempotency_key_in_use'))
          issues.push(`${path}: a 409 that is not idempotency_key_in_use`);
      } else if (a.text !== winner.text || a.status !== winner.status)
        issues.push(`${path}: a replay differs from the executed answer`);
    }
    return { text: winner.text, body: JSON.parse(winner.text) as Record<string, unknown> };
  };

  const single = async (path: string, body: unknown) => {
    const res = await fetch(nextBase() + path, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sk}:`).toString('base64')}`,
        'content-type': 'application/json',
        'idempotency-key': `setup-${randomUUID()}`,
      },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown>;
  };

  for (let round = 0; round < ROUNDS; round++) {
    await everywhere(sk, '/v1/customers', { name: `Everywhere ${round}` });
    await everywhere(sk, '/v1/payment_intents', {
      amount: 3_000 + round,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const paid = await single('/v1/payment_intents', {
      amount: 8_000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    await everywhere(sk, '/v1/refunds', { payment_intent: paid.id, amount: 2_000 });
    await everywhere(sk, `/v1/payment_intents/${paid.id as string}/refund`, {});
    const session = await everywhere(sk, '/v1/checkout/sessions', {
      ui_mode: 'embedded',
      line_items: [{ price_data: { currency: 'usd', unit_amount: 1_100, product_data: { name: 'Cap' } }, quantity: 1 }],
    });
    if (session) {
      await everywhere(pk, `/v1/checkout/sessions/${session.body.id as string}/client/confirm`, {
        client_secret: session.body.client_secret,
        email: 'buyer@example.com',
        payment_method: 'pm_card_visa',
      });
    }
  }

  // What the database holds for that merchant: exactly one execution per round and kind.
  const count = async (table: string) =>
    Number(
      (
        (await db.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('merchant_id', '=', merchantId)
          .executeTakeFirst()) as { n: number | string }
      ).n,
    );
  const rows = {
    customers: await count('customers'),
    payment_intents: await count('payment_intents'),
    charges: await count('charges'),
    refunds: await count('refunds'),
    checkout_sessions: await count('checkout_sessions'),
  };
  const want = {
    customers: ROUNDS,
    payment_intents: 3 * ROUNDS,
    charges: 3 * ROUNDS,
    refunds: 2 * ROUNDS,
    checkout_sessions: ROUNDS,
  };
  const events: Record<string, number> = {};
  for (const { type } of (await db.db
    .selectFrom('events')
    .select('type')
    .where('merchant_id', '=', merchantId)
    .execute()) as { type: string }[])
    events[type] = (events[type] ?? 0) + 1;
  const wantEvents: Record<string, number> = {
    'customer.created': ROUNDS,
    'payment_intent.created': 3 * ROUNDS,
    'charge.succeeded': 3 * ROUNDS,
    'payment_intent.succeeded': 3 * ROUNDS,
    'refund.created': 2 * ROUNDS,
    'charge.refunded': 2 * ROUNDS,
    'price.created': ROUNDS,
    'product.created': ROUNDS,
    'checkout.session.completed': ROUNDS,
  };
  const sameEvents =
    JSON.stringify(Object.entries(events).sort()) === JSON.stringify(Object.entries(wantEvents).sort());
  report.check(
    'phase 1: the same key sent concurrently to all three nodes executes exactly once (6 kinds of write × 6 rounds; the others replay byte for byte or get 409)',
    issues.length === 0,
    issues.length ? issues.slice(0, 5).join('; ') : `${executions} executions, ${replays} replays, ${inUse} × 409`,
  );
  report.check(
    'phase 1: the database holds exactly one execution per key (objects and events)',
    JSON.stringify(rows) === JSON.stringify(want) && sameEvents,
    `${JSON.stringify(rows)}; events ${sameEvents ? 'as expected' : JSON.stringify(events)}`,
  );
  report.figure('phase 1: concurrent copies per key', NODES * PER_NODE);
  report.figure('phase 1: keys', executions + issues.length);
  report.figure('phase 1: answers replayed / 409 in use', `${replays} / ${inUse}`);
}

const file = writeResults(
  'cluster.md',
  'Scale-out test — three nodes on one PostgreSQL database',
  [
    '`npm run test:cluster` (test/cluster/run.ts): three `node bin/railyard.js serve` processes with their own `PORT`, one `DATABASE_URL` (a fresh',
    'PostgreSQL database) and one `RAILYARD_SECRETS_KEY`, each running the scheduler (webhook worker, session expiry, retention), behind a client that',
    'sends each request to the next node in turn. Phase 1 sends each key to all nodes at once; phase 2 runs a money workload without faults (exactly-once',
    'delivery is checked here); phase 3 runs it again and kills node 2 with SIGKILL in the middle. The checks read the database directly.',
  ].join('\n'),
  report,
);
process.stdout.write(
  `\n${report.passed ? 'PASS' : 'FAIL'}: cluster test — ${file}${report.passed ? '' : `; logs in ${work}`}\n`,
);
process.exit(report.passed ? 0 : 1);
