import type { Deps, Merchant } from '../domain/context.js';
import { merchantNow } from '../domain/context.js';
import type { Job } from './scheduler.js';

/** Events (with their deliveries and attempts) are kept at least this long, by the merchant's clock. */
export const EVENT_RETENTION_S = 30 * 24 * 3600;
/** Dispatched outbox rows are only a record of work done; they go after an hour (real time). */
export const OUTBOX_RETENTION_S = 3600;
/** How often the sweep runs (on the scheduler's clock). */
export const RETENTION_SWEEP_EVERY_MS = 10 * 60_000;
const DELETE_BATCH = 1000;

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
        for (const table of ['events', 'webhook_deliveries', 'webhook_attempts']) {
          await this.deleteInBatches(table, 'id', (q) =>
            q.where('merchant_id', '=', m.id).where('livemode', '=', livemode).where('created', '<', cutoff),
          );
        }
        await this.deleteInBatches('idempotency_keys', 'key', (q) =>
          q.where('merchant_id', '=', m.id).where('livemode', '=', livemode).where('expires_at', '<=', now),
        );
      }
    }
    const outboxCutoff = Math.floor(this.deps.clock.nowMs() / 1000) - OUTBOX_RETENTION_S;
    await this.deleteInBatches('event_outbox', 'event_id', (q) => q.where('dispatched_at', 'is not', null).where('dispatched_at', '<', outboxCutoff));
    return false;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async deleteInBatches(table: string, key: string, where: (q: any) => any): Promise<void> {
    const { db } = this.deps.store;
    for (;;) {
      // The filter applies outside too, so the delete walks the same index as the batch it picks.
      const result = await where(db.deleteFrom(table))
        .where(key, 'in', where(db.selectFrom(table).select(key)).limit(DELETE_BATCH))
        .executeTakeFirst();
      if (Number(result.numDeletedRows) < DELETE_BATCH) return;
    }
  }
}
