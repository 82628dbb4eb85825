import { sql } from 'kysely';
import type { Deps } from '../domain/context.js';
import type { Job } from './scheduler.js';

/** How often the job looks at the tables (on the scheduler's clock). */
export const TABLE_STATISTICS_EVERY_MS = 5_000;

/** PostgreSQL's own autovacuum defaults: act once 50 rows plus this share of the table have changed. */
const BASE_THRESHOLD = 50;
const ANALYZE_SCALE = 0.1;
const VACUUM_SCALE = 0.2;
/**
 * A table is analyzed or vacuumed at most once a minute (autovacuum's own pace: it visits a database once per
 * `autovacuum_naptime`, one minute by default); a table never analyzed is done as soon as it qualifies. Checking
 * every 5 s with nothing else to hold it back, a table growing under load was re-analyzed every pass: measured under
 * PaymentIntent load on a fresh database, ANALYZE was about a tenth of PostgreSQL's CPU.
 */
export const TABLE_MIN_INTERVAL_S = 60;
/** The session-level advisory lock that lets one node at a time run the pass (an arbitrary fixed key). */
export const STATISTICS_LOCK = '7304816628930187521';

export interface StatisticsPass {
  analyzed: string[];
  vacuumed: string[];
  /** Why the pass did nothing, when it did nothing on purpose. */
  skipped?: string;
}

interface TableActivity {
  relname: string;
  n_live_tup: number;
  n_dead_tup: number;
  n_mod_since_analyze: number;
  /** Seconds since the table was last analyzed or vacuumed (by anyone); null if it never was. */
  idle_s: number | null;
}

/**
 * PostgreSQL only, and only when the server runs with `autovacuum = off`: keeps the planner's statistics (ANALYZE)
 * and the tables' dead rows (VACUUM) in check the way autovacuum would, with its default thresholds.
 *
 * Without statistics the planner cannot tell Railyard's indexes apart: measured on a fresh database with autovacuum
 * off, after 10,000 customers were created, `GET /v1/customers/:id` was planned on the email list index instead of
 * the primary key and scanned every customer of the merchant (0.7–0.9 ms of database CPU per request instead of
 * 0.1 ms). With autovacuum on (PostgreSQL's default) this job does nothing.
 */
export class TableStatisticsJob implements Job {
  readonly name = 'table-statistics';
  readonly everyMs = TABLE_STATISTICS_EVERY_MS;

  constructor(private readonly deps: Deps) {}

  async run(): Promise<boolean> {
    await this.maintain();
    return false;
  }

  /** One pass: the tables it analyzed and vacuumed, or why it did nothing. */
  async maintain(): Promise<StatisticsPass> {
    const done: StatisticsPass = { analyzed: [], vacuumed: [] };
    const { store } = this.deps;
    if (store.engine !== 'postgres') return { ...done, skipped: 'not PostgreSQL' };
    const setting = await sql<{ autovacuum: string }>`select current_setting('autovacuum') as autovacuum`.execute(store.db);
    if (setting.rows[0]?.autovacuum !== 'off') return { ...done, skipped: 'autovacuum is on' };
    // One node at a time: the pass runs on one connection holding a session-level advisory lock (VACUUM cannot run
    // inside a transaction, so a transaction-scoped lock would not do); a node that does not get it skips the pass.
    await store.db.connection().execute(async (conn) => {
      const lock = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${STATISTICS_LOCK}::bigint) as locked`.execute(conn);
      if (lock.rows[0]?.locked !== true) {
        done.skipped = 'another node is running the pass';
        return;
      }
      try {
        const tables = (
          await sql<TableActivity>`
            select relname, n_live_tup, n_dead_tup, n_mod_since_analyze,
                   extract(epoch from now() - greatest(last_analyze, last_autoanalyze, last_vacuum, last_autovacuum))::float8 as idle_s
            from pg_stat_user_tables where schemaname = current_schema()`.execute(conn)
        ).rows;
        for (const t of tables) {
          const live = t.n_live_tup;
          const name = sql.id(t.relname);
          if (t.idle_s !== null && t.idle_s < TABLE_MIN_INTERVAL_S) continue;
          if (t.n_dead_tup > BASE_THRESHOLD + VACUUM_SCALE * live) {
            await sql`vacuum (analyze) ${name}`.execute(conn);
            done.vacuumed.push(t.relname);
          } else if (t.n_mod_since_analyze > BASE_THRESHOLD + ANALYZE_SCALE * live) {
            await sql`analyze ${name}`.execute(conn);
            done.analyzed.push(t.relname);
          }
        }
      } finally {
        await sql`select pg_advisory_unlock(${STATISTICS_LOCK}::bigint)`.execute(conn);
      }
    });
    if (done.analyzed.length > 0 || done.vacuumed.length > 0) {
      this.deps.logger.debug({ analyzed: done.analyzed, vacuumed: done.vacuumed }, 'table statistics refreshed');
    }
    return done;
  }
}
