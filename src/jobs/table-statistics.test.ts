import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, startTestServer, type TestServer } from '../../test/harness.js';
import { STATISTICS_LOCK, TableStatisticsJob } from './table-statistics.js';

describe.each(ENGINES)('table statistics job (%s)', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  it('analyzes changed tables when PostgreSQL runs without autovacuum, so reads by id use the primary key', async () => {
    const api = client(server, server.merchant.keys.sk_test);
    const ids: string[] = [];
    for (let i = 0; i < 120; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, (_, j) => api.post<{ id: string }>('/v1/customers', { email: `c${i + j}@example.com` })));
      ids.push(...batch.map((r) => r.body.id));
    }
    const job = new TableStatisticsJob(server.deps);
    if (engine === 'sqlite') {
      expect(await job.maintain()).toEqual({ analyzed: [], vacuumed: [], skipped: 'not PostgreSQL' });
      return;
    }
    const autovacuum = (await sql<{ a: string }>`select current_setting('autovacuum') as a`.execute(server.store.db)).rows[0]?.a;
    if (autovacuum !== 'off') {
      // PostgreSQL's own autovacuum keeps the statistics: the job leaves them to it.
      expect(await job.maintain()).toEqual({ analyzed: [], vacuumed: [], skipped: 'autovacuum is on' });
      return;
    }
    // Another node running a pass holds the lock: this one skips.
    await server.store.db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${STATISTICS_LOCK}::bigint)`.execute(conn);
      try {
        expect(await job.maintain()).toEqual({ analyzed: [], vacuumed: [], skipped: 'another node is running the pass' });
      } finally {
        await sql`select pg_advisory_unlock(${STATISTICS_LOCK}::bigint)`.execute(conn);
      }
    });
    // Table activity reaches pg_stat_user_tables within a second or so of each commit.
    let analyzed: string[] = [];
    for (let i = 0; i < 50 && !analyzed.includes('customers'); i++) {
      analyzed = [...analyzed, ...(await job.maintain()).analyzed];
      if (!analyzed.includes('customers')) await new Promise((r) => setTimeout(r, 200));
    }
    expect(analyzed).toContain('customers');
    const stats = await sql<{ last_analyze: Date | null }>`select last_analyze from pg_stat_user_tables where relname = 'customers'`.execute(server.store.db);
    expect(stats.rows[0]?.last_analyze).not.toBeNull();
    const plan = await sql<{ 'QUERY PLAN': string }>`explain select data from customers where merchant_id = ${server.merchant.id} and livemode = 0 and id = ${ids[7]}`.execute(
      server.store.db,
    );
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('customers_pk');
    // Nothing changed since: the next pass leaves the table alone.
    expect((await job.maintain()).analyzed).not.toContain('customers');
    // Changed again, but analyzed less than a minute ago: left alone until the minute is over (autovacuum's pace).
    await sql`update customers set data = data where merchant_id = ${server.merchant.id}`.execute(server.store.db);
    let changed = 0;
    for (let i = 0; i < 50 && changed <= 50 + 0.1 * ids.length; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const row = await sql<{ n: number }>`select n_mod_since_analyze as n from pg_stat_user_tables where relname = 'customers'`.execute(server.store.db);
      changed = Number(row.rows[0]?.n);
    }
    expect(changed).toBeGreaterThan(50 + 0.1 * ids.length);
    expect((await job.maintain()).analyzed).not.toContain('customers');
  });
});
