import { sql } from 'kysely';
import type { Scope } from '../db/objects.js';
import { merchantNow, type Actor, type Deps, type Merchant } from '../domain/context.js';
import { expireLoadedSession } from '../domain/checkout-sessions/expire-checkout-session.js';
import { CHECKOUT_SESSIONS_TABLE } from '../domain/checkout-sessions/session.js';
import { selectSession } from '../domain/checkout-sessions/session-store.js';
import type { Job } from './scheduler.js';

/** Sessions looked at per pass; a full batch asks the scheduler to pass again at once. */
export const EXPIRY_BATCH = 200;
/** A session whose expiry failed (e.g. its payment is still processing) is retried after this long (real time). */
export const EXPIRY_RETRY_MS = 60_000;

interface DueRow {
  merchant_id: string;
  livemode: number;
  id: string;
  name: string;
  default_api_version: string;
  test_clock_offset_s: number;
  merchant_created: number;
}

export interface ExpiryPass {
  /** Sessions this pass expired. */
  expired: number;
  /** Due sessions found (a full batch means more may be waiting). */
  due: number;
  /** Sessions whose expiry threw; they stay open and are tried again on a later pass. */
  failed: { id: string; error: unknown }[];
}

/**
 * Expires every open session whose `expires_at` has been reached on its merchant's clock for its mode (test mode
 * follows the merchant's test clock, so `advance_clock` makes sessions due at once), with the same effects and
 * events as the expire call (the intent's `cancellation_reason` is "expired").
 *
 * Exactly once, across restarts and processes: due sessions are read from the open-sessions index, then each is
 * expired in its own transaction that first takes the session's row lock — `FOR UPDATE SKIP LOCKED` on
 * PostgreSQL, so another worker (or a buyer completing it right now) holding it is skipped — and checks that it is
 * still open and due. The state change and its event commit together; a crash before the commit leaves the session
 * open for the next pass. SQLite runs one write transaction at a time, so the same check suffices there.
 */
export async function expireDueSessions(deps: Deps, limit: number = EXPIRY_BATCH, skip: ReadonlySet<string> = new Set()): Promise<ExpiryPass> {
  const { store } = deps;
  const nowS = Math.floor(deps.clock.nowMs() / 1000);
  const offsets: { max: number | string | null } | undefined = await store.db
    .selectFrom('merchants')
    .select((eb) => eb.fn.max('test_clock_offset_s').as('max'))
    .executeTakeFirst();
  const maxOffset = Math.max(0, Number(offsets?.max ?? 0));
  // The first bound lets the index range scan; the second is the exact per-merchant, per-mode clock.
  const rows: DueRow[] = await store.db
    .selectFrom(`${CHECKOUT_SESSIONS_TABLE} as s`)
    .innerJoin('merchants as m', 'm.id', 's.merchant_id')
    .select(['s.merchant_id', 's.livemode', 's.id', 'm.name', 'm.default_api_version', 'm.test_clock_offset_s', 'm.created as merchant_created'])
    .where('s.status', '=', 'open')
    .where('s.expires_at', '<=', nowS + maxOffset)
    .where(sql<boolean>`s.expires_at <= ${nowS} + (case when s.livemode = 0 then m.test_clock_offset_s else 0 end)`)
    .orderBy('s.expires_at')
    .limit(limit)
    .execute();

  let expired = 0;
  const failed: ExpiryPass['failed'] = [];
  for (const r of rows) {
    if (skip.has(r.id)) continue;
    const merchant: Merchant = {
      id: r.merchant_id,
      name: r.name,
      default_api_version: r.default_api_version,
      test_clock_offset_s: r.test_clock_offset_s,
      created: r.merchant_created,
    };
    const livemode = r.livemode === 1;
    const scope: Scope = { merchantId: merchant.id, livemode };
    try {
      const done = await store.withTransaction(async (tx) => {
        const row = await selectSession(tx, scope, r.id, { forUpdate: store.engine === 'postgres', skipLocked: true, lineItems: false });
        if (!row || row.session.status !== 'open') return false;
        const actor: Actor = { merchant, scope, apiVersion: merchant.default_api_version, now: merchantNow(deps.clock, merchant, livemode) };
        if (actor.now < row.session.expires_at) return false;
        await expireLoadedSession({ deps, actor, db: tx }, row, 'automatic');
        return true;
      });
      if (done) expired++;
    } catch (error) {
      failed.push({ id: r.id, error });
    }
  }
  return { expired, due: rows.length, failed };
}

/**
 * The scheduler job around expireDueSessions. A session whose expiry throws is logged and left alone for
 * EXPIRY_RETRY_MS (in this process), so one stuck session never blocks or floods the queue.
 */
export class SessionExpiryJob implements Job {
  readonly name = 'checkout-session-expiry';
  private readonly failed = new Map<string, number>();

  constructor(private readonly deps: Deps) {}

  async run(): Promise<boolean> {
    const nowMs = Date.now();
    for (const [id, until] of this.failed) if (until <= nowMs) this.failed.delete(id);
    const skip = new Set(this.failed.keys());
    const pass = await expireDueSessions(this.deps, EXPIRY_BATCH + skip.size, skip);
    for (const f of pass.failed) {
      this.failed.set(f.id, nowMs + EXPIRY_RETRY_MS);
      this.deps.logger.warn({ err: f.error, checkout_session: f.id }, 'checkout session expiry failed; will retry');
    }
    return pass.due >= EXPIRY_BATCH + skip.size;
  }
}
