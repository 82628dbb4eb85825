/**
 * Crash test (`npm run test:crash`): on each engine, Railyard runs as a child process under a load of money
 * movements while it is killed with SIGKILL at random moments; every request that got no answer is sent again with
 * its Idempotency-Key once the server is back. Afterwards the database, the API and a live webhook receiver must
 * agree with what the client saw acknowledged:
 *
 *   - every acknowledged object exists exactly once (by id, and its request replays the stored answer);
 *   - no PaymentIntent is captured or refunded twice, and refunds never exceed captures;
 *   - every state change has its event, exactly once;
 *   - every event is delivered to the receiver at least once.
 *
 * Options: --engine sqlite|postgres (default both), --kills N (default 22). Figures go to
 * bench/results/crash-<engine>.md. Exit status 0 only when every check passes on every engine.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore, type Engine } from '../../src/db/store.js';
import { freshDatabase } from '../harness.js';
import { autoExpiryDone, checkReplays, checkStorage, Report, waitUntil, webhooksDrained } from '../load/invariants.js';
import { getJson, Journal } from '../load/journal.js';
import { createMerchantWithCli, freePort, RailyardProcess, sleep } from '../load/railyard-process.js';
import { WebhookReceiver } from '../load/receiver.js';
import { writeResults } from '../load/results.js';
import { Model, UnexpectedAnswer, Workload, type MerchantRef } from '../load/workload.js';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', multiple: true },
    kills: { type: 'string', default: '22' },
    workers: { type: 'string', default: '12' },
  },
});
const ENGINES = (values.engine?.length ? values.engine : ['sqlite', 'postgres']) as Engine[];
const KILLS = Number(values.kills);
const WORKERS = Number(values.workers);
/** Hard bound for one engine's run; beyond it the run fails. */
const ENGINE_BUDGET_MS = 240_000;

async function runEngine(engine: Engine): Promise<boolean> {
  const started = Date.now();
  process.stdout.write(`\n== crash test on ${engine}: ${KILLS} kills, ${WORKERS} client workers\n`);
  const report = new Report();
  const work = mkdtempSync(join(tmpdir(), `railyard-crash-${engine}-`));
  const database = await freshDatabase(engine);
  const env = { DATABASE_URL: database.url, RAILYARD_SECRETS_KEY: randomBytes(32).toString('hex') };
  const receiver = new WebhookReceiver();
  await receiver.start();
  const node = new RailyardProcess({
    name: 'railyard',
    port: await freePort(),
    env,
    logFile: join(work, 'server.log'),
  });
  const problems: string[] = [];
  const watchdog = setTimeout(() => {
    process.stdout.write(`FAIL: the ${engine} run exceeded ${ENGINE_BUDGET_MS / 1000} s; logs in ${work}\n`);
    void node.kill().finally(() => process.exit(1));
  }, ENGINE_BUDGET_MS);
  try {
    const a = createMerchantWithCli('Crash shop', env);
    const b = createMerchantWithCli('Crash expiry', env);
    const shop: MerchantRef = { name: 'shop', id: a.id, sk: a.keys.sk_test, pk: a.keys.pk_test, hooks: [] };
    const expiry: MerchantRef = { name: 'expiry', id: b.id, sk: b.keys.sk_test, pk: b.keys.pk_test, hooks: [] };
    await node.start();

    const journal = new Journal({ pickBase: () => node.url, giveUpMs: 60_000, logFile: join(work, 'journal.jsonl') });
    const model = new Model();
    const setUpShop = await Workload.setUp(journal, model, shop, [{ name: 'shop', url: receiver.urlFor('shop') }]);
    const setUpExpiry = await Workload.setUp(journal, model, expiry, [
      { name: 'expiry', url: receiver.urlFor('expiry') },
    ]);
    for (const [name, secret] of [...setUpShop.secrets, ...setUpExpiry.secrets]) receiver.setSecret(name, secret);
    const shopLoad = new Workload(journal, model, shop, { price: setUpShop.price, unitAmount: setUpShop.unitAmount });
    const expiryLoad = new Workload(journal, model, expiry, {
      price: setUpExpiry.price,
      unitAmount: setUpExpiry.unitAmount,
    });

    let stopping = false;
    const guard = async (f: () => Promise<void>) => {
      try {
        await f();
      } catch (err) {
        problems.push(err instanceof UnexpectedAnswer ? err.message : `client error: ${String(err)}`);
      }
    };
    const loadStart = Date.now();
    const workers = Array.from({ length: WORKERS }, async () => {
      while (!stopping) await guard(() => shopLoad.runOne());
    });
    const expiryWorker = (async () => {
      let now = 0;
      for (;;) {
        try {
          now = (await getJson(node.url, expiry.sk, '/v1/test_helpers/clock')).body.now as number;
          if (typeof now === 'number') break;
        } catch {
          await sleep(200);
        }
      }
      let rounds = 0;
      while (!stopping && rounds < 30) {
        await guard(async () => {
          now = await expiryLoad.expiryRound(now, 2 + Math.floor(Math.random() * 4));
        });
        rounds++;
        await sleep(400);
      }
      report.figure('test-clock advances (expiry merchant)', rounds);
    })();

    // The killer: SIGKILL at random moments, restart at once (sometimes within milliseconds of being ready).
    const inFlightAtKill: number[] = [];
    const restartMs: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      await sleep(Math.random() < 0.15 ? 30 + Math.random() * 200 : 400 + Math.random() * 2_400);
      inFlightAtKill.push(journal.entries.filter((e) => !e.ack).length);
      await node.kill();
      await sleep(Math.random() * 300);
      const t = Date.now();
      await node.start();
      restartMs.push(Date.now() - t);
      process.stdout.write(
        `  kill ${k + 1}/${KILLS}: ${inFlightAtKill[k]} requests awaiting an answer, back in ${restartMs[k]} ms\n`,
      );
    }
    await sleep(1_500);
    stopping = true;
    await Promise.all([...workers, expiryWorker]);
    const loadMs = Date.now() - loadStart;

    // The server stays up: the expiry job and the outbox must finish what the crashes interrupted.
    const store = openStore(database.url, { poolSize: 4 });
    try {
      const expiryWait = await waitUntil(() => autoExpiryDone(store, model), 60_000);
      report.check(
        'every session due for automatic expiry was expired by the job',
        expiryWait >= 0,
        expiryWait >= 0 ? `within ${(expiryWait / 1000).toFixed(1)} s after the load` : 'not within 60 s',
      );
      const drainWait = await waitUntil(() => webhooksDrained(store, receiver, [shop, expiry]), 120_000);
      report.check(
        'the outbox drained: every event delivered to the live receiver',
        drainWait >= 0,
        drainWait >= 0
          ? `within ${(drainWait / 1000).toFixed(1)} s after the load (a killed process's leases expire after 60 s)`
          : 'not within 120 s',
      );
      report.figure('outbox drain after the load (s)', drainWait >= 0 ? (drainWait / 1000).toFixed(1) : 'not drained');

      const stats = journal.stats();
      await checkReplays(report, journal, () => node.url);
      await checkStorage(report, store, model, [shop, expiry], receiver, { exactlyOnceDelivery: false });
      report.check(
        'every flow got the answers it expected (no unexpected status after a replay)',
        problems.length === 0,
        problems.length ? problems.slice(0, 5).join('; ') : '',
      );
      report.check('no 5xx answer', stats.serverErrors5xx === 0, `${stats.serverErrors5xx} answers with status ≥ 500`);
      report.check(`killed at least 20 times`, node.starts - 1 >= 20, `${node.starts - 1} kills`);
      report.check(
        'the server never died on its own',
        node.unexpectedExits === 0,
        `${node.unexpectedExits} unexpected exits`,
      );

      report.figure('engine', engine);
      report.figure('kills (SIGKILL)', KILLS);
      report.figure('load duration (s)', (loadMs / 1000).toFixed(1));
      report.figure('restart to ready, median (ms)', median(restartMs));
      report.figure('client workers', WORKERS);
      for (const [flow, n] of [...model.flows].sort()) report.figure(`flows: ${flow}`, n);
      report.figure('requests (journal entries, each with its own key)', stats.requests);
      report.figure('HTTP attempts', stats.httpAttempts);
      report.figure(
        'requests awaiting an answer at the moment of a kill (sum over kills)',
        inFlightAtKill.reduce((s, n) => s + n, 0),
      );
      report.figure('requests whose answer a kill cut off (unacknowledged)', stats.unacknowledged);
      report.figure('re-sends of those with their key until acknowledged (attempts)', stats.replays);
      report.figure(
        '… acknowledged by a stored replay (the request had committed before the kill)',
        stats.replayedAnswers,
      );
      report.figure('connects refused while the server was down (retried)', stats.refused);
      report.figure('409 idempotency_key_in_use answers (retried)', stats.inUse409);
      report.figure('5xx answers', stats.serverErrors5xx);
      report.figure('engine run time (s)', ((Date.now() - started) / 1000).toFixed(1));
    } finally {
      await store.close();
    }
  } catch (err) {
    report.check('the run completed', false, err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(watchdog);
    await node.close();
    await receiver.close();
    if (report.passed) {
      await database.drop();
      rmSync(work, { recursive: true, force: true });
    }
  }

  const file = writeResults(
    `crash-${engine}.md`,
    `Crash test — ${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
    [
      `\`npm run test:crash\` (test/crash/run.ts): Railyard (\`node bin/railyard.js serve\`) on a fresh ${engine === 'sqlite' ? 'SQLite file' : 'PostgreSQL database'}, ${WORKERS} client workers running`,
      'customers, PaymentIntents (automatic and manual capture, partial captures, declines), partial refunds through both refund endpoints, Checkout Sessions',
      'expired by call, completed through the client-side confirm, and expired by the job after test-clock advances on a second merchant; a live webhook',
      'receiver subscribed to `*` for both merchants. The server is killed with SIGKILL at random moments and restarted; every unanswered request is sent',
      'again with its Idempotency-Key. The checks read the database directly and compare it with what the client saw acknowledged.',
    ].join('\n'),
    report,
  );
  process.stdout.write(
    `${report.passed ? 'PASS' : 'FAIL'} crash test on ${engine} — ${file}${report.passed ? '' : `; logs in ${work}`}\n`,
  );
  return report.passed;
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s.length ? (s[Math.floor(s.length / 2)] as number) : 0;
}

let allPassed = true;
for (const engine of ENGINES) {
  if (!(await runEngine(engine))) allPassed = false;
}
process.stdout.write(`\n${allPassed ? 'PASS' : 'FAIL'}: crash test on ${ENGINES.join(', ')}\n`);
process.exit(allPassed ? 0 : 1);
