import type { Deps, Merchant } from '../domain/context.js';
import { merchantNow } from '../domain/context.js';
import type { Job } from './scheduler.js';

/** Events (with their deliveries and attempts) are kept at least this long, by the merchant's clock. */
export const EVENT_RETENTION_S = 30 * 24 * 3600;
/** Outbox rows that an earlier release marked dispatched (instead of deleting them) go after an hour (real time). */
export const OUTBOX_RETENTION_S = 3600;
/** How often the whole sweep runs (on the scheduler's clock). */
export const RETENTION_SWEEP_EVERY_MS = 10 * 60_000;
/**
 * How often the sweep looks for merchants whose test clock moved since it last swept them: their test mode is swept
 * then, so a clock advance takes its events out within seconds (decisions.md, test clocks), not at the next sweep.
 */
export const RETENTION_CLOCK_CHECK_EVERY_MS = 2_000;
const DELETE_BATCH = 1000;

type Condition = [column: string, op: '=' | '<' | '<=' | 'is not', value: string | number | null];

/**
 * The retention sweep: deletes events older than EVENT_RETENTION_S on each merchant's clock for the mode (test mode
 * follows the test clock), their deliveries and attempt logs, expired idempotency keys, and dispatched outbox
 * rows. Deletes run in bounded batches so no transaction grows large.
 */
export class RetentionSweep implements Job {
  readonly name = 'retention';
  readonly everyMs = RETENTION_CLOCK_CHECK_EVERY_MS;
  private lastFullSweepMs: number | undefined;
  /** Each merchant's test-clock offset when its test mode was last swept. */
  private sweptOffsets = new Map<string, number>();

  constructor(private readonly deps: Deps) {}

  async run(): Promise<boolean> {
    const { db } = this.deps.store;
    const merchants = (await db.selectFrom('merchants').select(['id', 'test_clock_offset_s']).execute()) as Pick<
      Merchant,
      'id' | 'test_clock_offset_s'
    >[];
    const nowMs = this.deps.clock.nowMs();
    const full = this.lastFullSweepMs === undefined || nowMs - this.lastFullSweepMs >= RETENTION_SWEEP_EVERY_MS;
    if (full) this.lastFullSweepMs = nowMs;
    for (const m of merchants) {
      const clockMoved = this.sweptOffsets.get(m.id) !== m.test_clock_offset_s;
      if (!full && !clockMoved) continue;
      this.sweptOffsets.set(m.id, m.test_clock_offset_s);
      for (const livemode of full ? [0, 1] : [0]) {
        const now = merchantNow(this.deps.clock, m, livemode === 1);
        const cutoff = now - EVENT_RETENTION_S;
        const scope: Condition[] = [
          ['merchant_id', '=', m.id],
          ['livemode', '=', livemode],
        ];
        for (const table of ['events', 'webhook_deliveries', 'webhook_attempts']) {
          await this.deleteInBatches(table, 'id', [...scope, ['created', '<', cutoff]]);
        }
        await this.deleteInBatches('idempotency_keys', 'key', [...scope, ['expires_at', '<=', now]]);
      }
    }
    if (!full) return false;
    const outboxCutoff = Math.floor(nowMs / 1000) - OUTBOX_RETENTION_S;
    await this.deleteInBatches('event_outbox', 'event_id', [
      ['dispatched_at', 'is not', null],
      ['dispatched_at', '<', outboxCutoff],
    ]);
    return false;
  }

  private async deleteInBatches(table: string, key: string, conditions: Condition[]): Promise<void> {
    const { db } = this.deps.store;
    for (;;) {
      let batch = db.selectFrom(table).select(key).limit(DELETE_BATCH);
      // The filter applies outside too, so the delete walks the same index as the batch it picks.
      let del = db.deleteFrom(table);
      for (const [column, op, value] of conditions) {
        batch = batch.where(column, op, value);
        del = del.where(column, op, value);
      }
      const result = await del.where(key, 'in', batch).executeTakeFirst();
      if (Number(result.numDeletedRows) < DELETE_BATCH) return;
    }
  }
}
