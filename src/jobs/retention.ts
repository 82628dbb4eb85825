import type { Deps, Merchant } from '../domain/context.js';
import { merchantNow } from '../domain/context.js';
import type { Job } from './scheduler.js';

/** Events (with their deliveries and attempts) are kept at least this long, by the merchant's clock. */
export const EVENT_RETENTION_S = 30 * 24 * 3600;
/** Outbox rows that an earlier release marked dispatched (instead of deleting them) go after an hour (real time). */
export const OUTBOX_RETENTION_S = 3600;
/** How often the sweep runs (on the scheduler's clock). */
export const RETENTION_SWEEP_EVERY_MS = 10 * 60_000;
const DELETE_BATCH = 1000;

type Condition = [column: string, op: '=' | '<' | '<=' | 'is not', value: string | number | null];

/**
 * The retention sweep: deletes events older than EVENT_RETENTION_S on each merchant's clock for the mode (test mode
 * follows the test clock), their deliveries and attempt logs, expired idempotency keys, and dispatched outbox
 * rows. Deletes run in bounded batches so no transaction grows large.
 */
export class RetentionSweep implements Job {
  readonly name = 'retention';
  readonly everyMs = RETENTION_SWEEP_EVERY_MS;

  constructor(private readonly deps: Deps) {}

  async run(): Promise<boolean> {
    const { db } = this.deps.store;
    const merchants = (await db.selectFrom('merchants').select(['id', 'test_clock_offset_s']).execute()) as Pick<
      Merchant,
      'id' | 'test_clock_offset_s'
    >[];
    for (const m of merchants) {
      for (const livemode of [0, 1]) {
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
    const outboxCutoff = Math.floor(this.deps.clock.nowMs() / 1000) - OUTBOX_RETENTION_S;
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
