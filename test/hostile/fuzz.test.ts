import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/store.js';
import { client, ENGINES, startTestServer, type TestServer } from '../harness.js';
import { buildWorld } from '../isolation/world.js';
import { requestArb, ROUTES, type FuzzContext, type FuzzRequest } from './fuzz-model.js';
import {
  answerProblems,
  contentHash,
  mayHaveWritten,
  rowCounts,
  send,
  tableNames,
  type FuzzResponse,
} from './support.js';

/**
 * Hostile input over real HTTP (issue 7, item 5; numbers in test/hostile/README.md). fast-check generates batches of
 * requests from every registered endpoint; each batch is sent concurrently. Every answer must be below 500 and every
 * 4xx the exact error envelope; a batch in which nothing was accepted must leave every table's row count unchanged,
 * and every HASH_EVERY-th such batch the content of every row too. The server must still answer at the end.
 *
 * FUZZ_REQUESTS overrides the number of requests per engine; FUZZ_SEED fixes fast-check's seed (the same choices
 * again — object ids are new in every run); FUZZ_VERBOSE=1 prints how many requests each route accepted.
 */
const REQUESTS: Record<Engine, number> = { sqlite: 10_000, postgres: 10_000 };
const BATCH = 16;
const HASH_EVERY = 6;

describe.each(ENGINES)('hostile input fuzzer (%s)', (engine) => {
  let server: TestServer;
  let ctx: FuzzContext;
  let agent: http.Agent;
  let tables: string[];

  beforeAll(async () => {
    server = await startTestServer(engine);
    const a = client(server, server.merchant.keys.sk_test);
    const world = await buildWorld(a, { webhookUrl: 'http://127.0.0.1:9/fuzz-hook', tag: 'fuzz' });
    // A second session with a client secret, so client-side calls have more than one target.
    const b = client(server, server.other.keys.sk_test);
    const foreignCustomer = await b.post('/v1/customers', { name: 'Other merchant' });
    const foreignIntent = await b.post('/v1/payment_intents', { amount: 700, currency: 'usd' });
    const liveCustomer = await client(server, server.merchant.keys.sk_live).post('/v1/customers', { name: 'Live' });
    const revoked = await a.post('/v1/api_keys', { name: 'to revoke' });
    await a.post(`/v1/api_keys/${revoked.body.id as string}/revoke`, {});

    const ids: Record<string, string[]> = {};
    for (const id of world.ids) (ids[id.slice(0, id.indexOf('_'))] ??= []).push(id);
    // The fuzzer must not revoke or roll the keys it authenticates with: only the world's extra key is a target.
    ctx = {
      keys: {
        secret: server.merchant.keys.sk_test,
        publishable: server.merchant.keys.pk_test,
        live: server.merchant.keys.sk_live,
        livePublishable: server.merchant.keys.pk_live,
        otherMerchant: server.other.keys.sk_test,
        revoked: revoked.body.secret as string,
      },
      ids,
      foreignIds: [foreignCustomer.body.id as string, foreignIntent.body.id as string, liveCustomer.body.id as string],
      clientSecrets: [world.embeddedClientSecret],
    };
    agent = new http.Agent({ keepAlive: true, maxSockets: BATCH });
    tables = await tableNames(server.store);
  });
  afterAll(async () => {
    agent?.destroy();
    await server?.close();
  });

  it(
    'answers every random or malformed request below 500, with the exact envelope, and leaves the database alone when it refuses',
    { timeout: 180_000 },
    async () => {
      const total = Number(process.env.FUZZ_REQUESTS ?? REQUESTS[engine]);
      const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
      const stats = {
        sent: 0,
        byStatus: new Map<number, number>(),
        targets: new Set<string>(),
        accepted: new Map<string, number>(),
        verified: 0,
        hashed: 0,
        cleanBatches: 0,
        batches: 0,
      };
      let batchNo = 0;

      const describeRequest = (req: FuzzRequest, res: FuzzResponse | undefined) =>
        `${req.kind === 'raw' ? JSON.stringify((req.raw ?? '').slice(0, 300)) : `${req.method} ${req.path.slice(0, 300)}`} ` +
        `headers=${JSON.stringify(req.headers).slice(0, 300)} body=${JSON.stringify((req.body ?? '').slice(0, 300))} → ${res ? `${res.status} ${res.body.slice(0, 300)}` : 'no answer'}`;

      await fc.assert(
        fc.asyncProperty(fc.array(requestArb(ctx), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          const hashThis = batchNo++ % HASH_EVERY === 0;
          const counts = await rowCounts(server.store, tables);
          const before = hashThis ? await contentHash(server.store, tables) : undefined;
          const answers = await Promise.all(
            batch.map((req) =>
              send(server.url, agent, req).then(
                (res) => ({ req, res, error: undefined as string | undefined }),
                (err: unknown) => ({
                  req,
                  res: undefined,
                  error: `transport error ${err instanceof Error ? err.message : String(err)}`,
                }),
              ),
            ),
          );
          stats.batches++;
          let clean = true;
          for (const { req, res, error } of answers) {
            stats.sent++;
            stats.targets.add(req.target);
            if (!res) throw new Error(`${error ?? 'no answer'}: ${describeRequest(req, res)}`);
            stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
            if (res.status < 300 || res.status === 402)
              stats.accepted.set(req.target, (stats.accepted.get(req.target) ?? 0) + 1);
            const problems = answerProblems(req, res);
            if (problems.length) throw new Error(`${problems.join('; ')}: ${describeRequest(req, res)}`);
            if (mayHaveWritten(req, res)) clean = false;
          }
          if (clean) {
            const after = await rowCounts(server.store, tables);
            stats.cleanBatches++;
            stats.verified += batch.length;
            const changed = tables.filter((t) => after[t] !== counts[t]).map((t) => `${t}: ${counts[t]} → ${after[t]}`);
            if (changed.length) {
              throw new Error(
                `row counts changed (${changed.join(', ')}) by a batch that was refused entirely:\n${answers.map((x) => describeRequest(x.req, x.res)).join('\n')}`,
              );
            }
            if (before !== undefined) {
              stats.hashed += batch.length;
              expect(await contentHash(server.store, tables), 'rows changed by a batch that was refused entirely').toBe(
                before,
              );
            }
          }
        }),
        { numRuns: Math.ceil(total / BATCH), ...(seed !== undefined ? { seed } : {}), endOnFailure: true },
      );

      // The server is still up and still serves normal work.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const again = await client(server, server.merchant.keys.sk_test).post('/v1/customers', {
        name: 'after the storm',
      });
      expect(again.status).toBe(200);

      const byStatus = [...stats.byStatus.entries()]
        .sort((x, y) => x[0] - y[0])
        .map(([s, n]) => `${s}:${n}`)
        .join(' ');
      console.log(
        `[fuzz ${engine}] ${stats.sent} requests in ${stats.batches} batches; statuses ${byStatus}; ` +
          `${stats.verified} in ${stats.cleanBatches} refused-only batches checked for unchanged row counts, ${stats.hashed} of them for unchanged rows; ` +
          `${ROUTES.filter((r) => stats.targets.has(`${r.endpoint.method} ${r.path}`)).length} of ${ROUTES.length} routes aimed at`,
      );
      if (process.env.FUZZ_VERBOSE) {
        for (const route of ROUTES) {
          const target = `${route.endpoint.method} ${route.path}`;
          console.log(`  ${target}: ${stats.accepted.get(target) ?? 0} accepted`);
        }
      }
      expect(stats.sent).toBeGreaterThanOrEqual(total);
      // Every registered route was aimed at, and most requests were checked against the database.
      for (const route of ROUTES)
        expect(stats.targets, `route never generated: ${route.path}`).toContain(
          `${route.endpoint.method} ${route.path}`,
        );
      expect(stats.verified).toBeGreaterThan(total / 3);
    },
  );
});
