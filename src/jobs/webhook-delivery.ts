import { hostname } from 'node:os';
import { sql } from 'kysely';
import { modeValue, scopeKey, type Scope } from '../db/objects.js';
import { fixedStatement, write } from '../db/statements.js';
import type { Db } from '../db/store.js';
import type { Deps } from '../domain/context.js';
import { subscribesTo } from '../domain/events/event-types.js';
import type { EventObject } from '../domain/events/record-event.js';
import type { DeliveryAttempt } from '../domain/webhooks/list-delivery-attempts.js';
import { ATTEMPTS_TABLE } from '../domain/webhooks/list-delivery-attempts.js';
import type { EndpointRow, WebhookEndpoint } from '../domain/webhooks/endpoint.js';
import { WEBHOOK_ENDPOINTS_TABLE } from '../domain/webhooks/endpoint.js';
import { setPendingWebhooks, settlePendingWebhooks } from '../domain/webhooks/pending-webhooks.js';
import { secretBox } from '../domain/webhooks/secrets-key.js';
import { DELIVERIES_TABLE } from '../domain/webhooks/send-test-event.js';
import { resolveDeliveryTarget } from '../domain/webhooks/target.js';
import { renderForVersion } from '../lib/api-versions.js';
import { newId, randomBase62 } from '../lib/ids.js';
import { TargetRefused } from '../lib/net-policy.js';
import { nodeTransport, type FailureCode } from '../lib/outbound-http.js';
import { signPayload } from '../lib/webhook-signature.js';
import type { Job } from './scheduler.js';

/** Delays before attempts 2…8, each counted from the previous attempt (decisions.md): 1 min … 72 h. */
export const RETRY_LADDER_S = [60, 5 * 60, 30 * 60, 2 * 3600, 8 * 3600, 24 * 3600, 72 * 3600] as const;
export const MAX_ATTEMPTS = RETRY_LADDER_S.length + 1;
/** A receiver must answer 2xx within this time. */
export const WEBHOOK_TIMEOUT_MS = 30_000;
/** At most this much of a response is read; a larger body fails the attempt. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
/** A claimed delivery belongs to its worker this long (real time); a crashed worker's claims expire after it. */
export const LEASE_MS = WEBHOOK_TIMEOUT_MS + 30_000;
/** Deliveries in flight in one process, and per endpoint (lower while the endpoint is failing). */
export const MAX_CONCURRENT_DELIVERIES = 256;
export const MAX_CONCURRENT_PER_ENDPOINT = 32;
export const FAILING_ENDPOINT_CONCURRENCY = 2;
/** Outbox rows fanned out per transaction. */
export const FANOUT_BATCH = 500;
/** Characters of the response body kept in the attempt log. */
export const EXCERPT_CHARS = 1024;

export const USER_AGENT = 'Fluveo-Webhooks/1.0';

export interface WebhookWorkerOptions {
  workerId?: string;
  timeoutMs?: number;
  leaseMs?: number;
  maxConcurrent?: number;
  perEndpoint?: number;
  /** Called when finished work may have made more work ready (the scheduler's wake()). */
  onProgress?: () => void;
}

/** A delivery this worker holds the lease of. */
export interface ClaimedDelivery {
  scope: Scope;
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  attempts: number;
  maxAttempts: number;
  testEvent: boolean;
  payload: string | null;
  nextAttemptAt: number;
  /** The merchant's clock for this mode at claim time (unix seconds). */
  merchantNow: number;
  defaultApiVersion: string;
  /** Loaded with the claim: the endpoint (undefined when deleted) and the event's JSON (undefined when gone). */
  endpoint?: EndpointRow | undefined;
  eventData?: string | undefined;
}

interface Outcome {
  claimed: ClaimedDelivery;
  /** false when there was nothing left to deliver (endpoint or event deleted). */
  attempted: boolean;
  ok: boolean;
  responseStatus: number | null;
  failureCode: FailureCode | 'event_unavailable' | null;
  reason: string | null;
  latencyMs: number;
  excerpt: string | null;
}

interface DueRow {
  merchant_id: string;
  livemode: number;
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  attempts: number;
  max_attempts: number;
  test_event: number;
  payload: string | null;
  next_attempt_at: number;
  test_clock_offset_s: number;
  default_api_version: string;
}

/**
 * The webhook worker: fans the event outbox out into one delivery per subscribed endpoint, claims due deliveries
 * under a lease (FOR UPDATE SKIP LOCKED on PostgreSQL, so several processes share the queue and never hold the
 * same delivery at once), POSTs them signed, and records every attempt. Results are written in batches (group
 * commit). A process that dies mid-delivery leaves a lease that expires after LEASE_MS; another worker then
 * delivers again — delivery is at least once, and receivers deduplicate by `Webhook-Id`.
 */
export class WebhookWorker implements Job {
  readonly name = 'webhooks';
  readonly workerId: string;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly maxConcurrent: number;
  private readonly perEndpoint: number;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly perEndpointInFlight = new Map<string, number>();
  private readonly failingEndpoints = new Set<string>();
  private outcomes: Outcome[] = [];
  private flushing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: Deps,
    private readonly options: WebhookWorkerOptions = {},
  ) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBase62(6)}`;
    this.timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
    this.leaseMs = options.leaseMs ?? Math.max(LEASE_MS, this.timeoutMs + 30_000);
    this.maxConcurrent = options.maxConcurrent ?? MAX_CONCURRENT_DELIVERIES;
    this.perEndpoint = options.perEndpoint ?? MAX_CONCURRENT_PER_ENDPOINT;
  }

  /** One pass: fan out, then claim and start as many due deliveries as there are free slots. */
  async run(): Promise<boolean> {
    if (this.stopped) return false;
    const fanned = await this.fanOut();
    const free = this.maxConcurrent - this.inFlight.size;
    if (free <= 0) return fanned >= FANOUT_BATCH;
    const batch = await this.claim(free);
    for (const claimed of batch) this.launch(claimed);
    return fanned >= FANOUT_BATCH;
  }

  /** Waits for the deliveries in flight and for their results to be written. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0 || this.outcomes.length > 0 || this.flushing) {
      await Promise.allSettled([...this.inFlight.values()]);
      await this.flush();
    }
  }

  async stop(deadlineMs: number): Promise<void> {
    this.stopped = true;
    const remaining = Math.max(0, deadlineMs - Date.now());
    await Promise.race([this.drain(), new Promise<void>((r) => setTimeout(r, remaining).unref())]);
  }

  /**
   * Fans up to FANOUT_BATCH outbox rows out into deliveries; returns how many rows it took. A row is deleted in the
   * transaction that fans it out, so the outbox holds only what is still to do: its reads stay as cheap at a
   * million events as at ten (rows marked and kept made every pass walk the ones already done).
   */
  async fanOut(): Promise<number> {
    const { store } = this.deps;
    if (store.engine === 'sqlite') {
      // A plain read first: an empty outbox (the common case) does not queue a write transaction.
      const any = await store.db.selectFrom('event_outbox').select('event_id').where('dispatched_at', 'is', null).limit(1).executeTakeFirst();
      if (!any) return 0;
    }
    return store.withTransaction(async (tx) => {
      const rows = await takeOutboxRows(tx, store.engine);
      for (const { scope, items } of groupByScope(rows, rowScope)) {
        const endpoints = (
          await tx.executeQuery<{ data: string }>(
            fixedStatement(tx, `select data from ${WEBHOOK_ENDPOINTS_TABLE} where merchant_id = ? and livemode = ? and status = 'enabled'`, [
              scope.merchantId,
              modeValue(scope),
            ]),
          )
        ).rows.map((r) => JSON.parse(r.data) as WebhookEndpoint);
        // No endpoint to deliver to, and no event counted as owing a delivery: nothing to do but remove the rows.
        if (endpoints.length === 0 && items.every((r) => r.pending_webhooks === 0)) continue;
        const events = await outboxEvents(tx, store.engine, scope, items.flatMap(eventIds));
        await this.fanOutGroup(tx, scope, endpoints, events);
      }
      return rows.length;
    });
  }

  /** Deliveries of `events` for the scope's enabled `endpoints`, and each event's `pending_webhooks` made true. */
  private async fanOutGroup(tx: Db, scope: Scope, endpoints: WebhookEndpoint[], events: OutboxEvent[]): Promise<void> {
    const rows: Record<string, unknown>[] = [];
    const corrected = new Map<string, number>();
    for (const event of events) {
      const subscribed = endpoints.filter((e) => subscribesTo(e.enabled_events, event.type));
      for (const endpoint of subscribed) {
        rows.push({
          merchant_id: scope.merchantId,
          livemode: modeValue(scope),
          id: newId('whd'),
          endpoint_id: endpoint.id,
          event_id: event.id,
          event_type: event.type,
          status: 'pending',
          attempts: 0,
          max_attempts: MAX_ATTEMPTS,
          next_attempt_at: event.created,
          locked_by: null,
          locked_until: null,
          last_attempt_at: null,
          test_event: 0,
          payload: null,
          created: event.created,
        });
      }
      if (subscribed.length !== event.pending_webhooks) corrected.set(event.id, subscribed.length);
    }
    await setPendingWebhooks(tx, this.deps.store.engine, scope, corrected);
    for (let i = 0; i < rows.length; i += 200) {
      await tx
        .insertInto(DELIVERIES_TABLE)
        .values(rows.slice(i, i + 200))
        .onConflict((oc) => oc.columns(['merchant_id', 'livemode', 'event_id', 'endpoint_id']).doNothing())
        .execute();
    }
  }

  /**
   * Claims up to `max` due deliveries: pending, not leased (or the lease expired), `next_attempt_at` reached on
   * the merchant's clock for the delivery's mode. Endpoints at their concurrency cap are skipped.
   */
  async claim(max: number): Promise<ClaimedDelivery[]> {
    const { store, clock } = this.deps;
    const nowMs = clock.nowMs();
    const nowS = Math.floor(nowMs / 1000);
    const saturated = [...this.perEndpointInFlight].filter(([id, n]) => n >= this.capFor(id)).map(([id]) => id);
    const claimed = await store.withTransaction(async (tx) => {
      // The due index gives the queue's order: read through it and stop at the limit. The planner cannot estimate
      // the joins' filters and otherwise scans and sorts every pending delivery first (measured with 10,150 pending:
      // 20 ms a claim, against 3 ms through the index), so a backlog slowed its own delivery.
      if (store.engine === 'postgres') await planThroughIndexes(tx, { sort: false });
      let q = tx
        .selectFrom(`${DELIVERIES_TABLE} as d`)
        .innerJoin('merchants as m', 'm.id', 'd.merchant_id')
        .innerJoin(`${WEBHOOK_ENDPOINTS_TABLE} as e`, (j) =>
          j.onRef('e.merchant_id', '=', 'd.merchant_id').onRef('e.livemode', '=', 'd.livemode').onRef('e.id', '=', 'd.endpoint_id'),
        )
        .select([
          'd.merchant_id',
          'd.livemode',
          'd.id',
          'd.endpoint_id',
          'd.event_id',
          'd.event_type',
          'd.attempts',
          'd.max_attempts',
          'd.test_event',
          'd.payload',
          'd.next_attempt_at',
          'm.test_clock_offset_s',
          'm.default_api_version',
        ])
        .where('d.status', '=', 'pending')
        // A disabled endpoint is paused: its queued deliveries wait until it is enabled again (test events still go).
        .where((eb) => eb.or([eb('e.status', '=', 'enabled'), eb('d.test_event', '=', 1)]))
        .where((eb) => eb.or([eb('d.locked_until', 'is', null), eb('d.locked_until', '<', nowMs)]))
        .where(sql<boolean>`d.next_attempt_at <= ${nowS} + (case when d.livemode = 0 then m.test_clock_offset_s else 0 end)`)
        .orderBy('d.next_attempt_at')
        .limit(max * 2);
      if (saturated.length) q = q.where('d.endpoint_id', 'not in', saturated);
      if (store.engine === 'postgres') q = q.forUpdate('d').skipLocked();
      const rows = (await q.execute()) as DueRow[];
      const taken = new Map<string, number>();
      const chosen: DueRow[] = [];
      for (const r of rows) {
        if (chosen.length >= max) break;
        const n = (this.perEndpointInFlight.get(r.endpoint_id) ?? 0) + (taken.get(r.endpoint_id) ?? 0);
        if (n >= this.capFor(r.endpoint_id)) continue;
        taken.set(r.endpoint_id, (taken.get(r.endpoint_id) ?? 0) + 1);
        chosen.push(r);
      }
      for (const { scope, items } of groupByScope(chosen, rowScope)) {
        await tx
          .updateTable(DELIVERIES_TABLE)
          .set({ locked_by: this.workerId, locked_until: nowMs + this.leaseMs })
          .where('merchant_id', '=', scope.merchantId)
          .where('livemode', '=', modeValue(scope))
          .where('id', 'in', items.map((r) => r.id))
          .execute();
      }
      return chosen.map((r): ClaimedDelivery => ({
        scope: { merchantId: r.merchant_id, livemode: r.livemode === 1 },
        id: r.id,
        endpointId: r.endpoint_id,
        eventId: r.event_id,
        eventType: r.event_type,
        attempts: r.attempts,
        maxAttempts: r.max_attempts,
        testEvent: r.test_event === 1,
        payload: r.payload,
        nextAttemptAt: r.next_attempt_at,
        merchantNow: nowS + (r.livemode === 1 ? 0 : r.test_clock_offset_s),
        defaultApiVersion: r.default_api_version,
      }));
    });
    await this.load(claimed);
    return claimed;
  }

  /** Loads the endpoints and events of claimed deliveries, one query per table and scope. */
  private async load(claimed: ClaimedDelivery[]): Promise<void> {
    const db = this.deps.store.db;
    for (const { scope, items: group } of groupByScope(claimed, (c) => c.scope)) {
      const endpoints = (await db
        .selectFrom(WEBHOOK_ENDPOINTS_TABLE)
        .selectAll()
        .where('merchant_id', '=', scope.merchantId)
        .where('livemode', '=', modeValue(scope))
        .where('id', 'in', [...new Set(group.map((c) => c.endpointId))])
        .execute()) as EndpointRow[];
      const eventIds = [...new Set(group.filter((c) => c.payload === null).map((c) => c.eventId))];
      const events = eventIds.length
        ? ((await db
            .selectFrom('events')
            .select(['id', 'data'])
            .where('merchant_id', '=', scope.merchantId)
            .where('livemode', '=', modeValue(scope))
            .where('id', 'in', eventIds)
            .execute()) as { id: string; data: string }[])
        : [];
      const endpointById = new Map(endpoints.map((e) => [e.id, e]));
      const eventById = new Map(events.map((e) => [e.id, e.data]));
      for (const c of group) {
        c.endpoint = endpointById.get(c.endpointId);
        c.eventData = c.payload ?? eventById.get(c.eventId);
      }
    }
  }

  private capFor(endpointId: string): number {
    return this.failingEndpoints.has(endpointId) ? Math.min(FAILING_ENDPOINT_CONCURRENCY, this.perEndpoint) : this.perEndpoint;
  }

  private launch(claimed: ClaimedDelivery): void {
    const endpoint = claimed.endpointId;
    this.perEndpointInFlight.set(endpoint, (this.perEndpointInFlight.get(endpoint) ?? 0) + 1);
    const work = this.deliver(claimed)
      .catch((err: unknown): Outcome => {
        this.deps.logger.error({ err, delivery: claimed.id }, 'webhook delivery crashed');
        return failure(claimed, 'connection_failed', 'The delivery could not be attempted.', 0);
      })
      .then((outcome) => {
        if (outcome.ok) this.failingEndpoints.delete(endpoint);
        else if (outcome.failureCode === 'timeout' || outcome.failureCode === 'connection_failed') this.failingEndpoints.add(endpoint);
        this.outcomes.push(outcome);
        void this.flush();
      })
      .finally(() => {
        const n = (this.perEndpointInFlight.get(endpoint) ?? 1) - 1;
        if (n <= 0) this.perEndpointInFlight.delete(endpoint);
        else this.perEndpointInFlight.set(endpoint, n);
        this.inFlight.delete(claimed.id);
        // A slot is free: claim more now rather than at the next poll (the finished delivery stays leased to
        // this worker until its result is written, so it cannot be taken again meanwhile).
        if (!this.stopped) this.options.onProgress?.();
      });
    this.inFlight.set(claimed.id, work);
  }

  /** Makes one HTTP attempt for a claimed delivery (no database writes). */
  async deliver(claimed: ClaimedDelivery): Promise<Outcome> {
    if (claimed.endpoint === undefined && claimed.eventData === undefined) await this.load([claimed]);
    const endpointRow = claimed.endpoint;
    if (!endpointRow) return { ...failure(claimed, null, 'The endpoint was deleted.', 0), attempted: false };
    const endpoint = JSON.parse(endpointRow.data) as WebhookEndpoint;
    if (claimed.eventData === undefined) {
      return { ...failure(claimed, 'event_unavailable', 'The event no longer exists (retention).', 0), attempted: false };
    }
    const event = JSON.parse(claimed.eventData) as EventObject;
    const version = endpoint.api_version ?? claimed.defaultApiVersion;
    const body = JSON.stringify(renderForVersion({ ...event, api_version: version }, version));

    const box = secretBox(this.deps.config);
    const secrets = [box.open(endpointRow.secret_sealed)];
    if (
      endpointRow.previous_secret_sealed !== null &&
      endpointRow.previous_secret_expires_at !== null &&
      endpointRow.previous_secret_expires_at > claimed.merchantNow
    ) {
      secrets.push(box.open(endpointRow.previous_secret_sealed));
    }
    // `t` is the real time of sending (receivers check freshness against their own clocks), never the test clock.
    const signature = signPayload(body, secrets, Math.floor(this.deps.clock.nowMs() / 1000));

    let addresses;
    try {
      addresses = await resolveDeliveryTarget(this.deps, endpoint.url, claimed.scope.livemode);
    } catch (err) {
      if (err instanceof TargetRefused) return failure(claimed, 'destination_rejected', err.message, 0);
      throw err;
    }
    const transport = this.deps.webhookTransport ?? nodeTransport;
    const result = await transport({
      url: endpoint.url,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': USER_AGENT,
        'Fluveo-Signature': signature,
        'X-Signature': signature,
        'Webhook-Id': event.id,
      },
      body,
      timeoutMs: this.timeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      addresses,
    });
    return {
      claimed,
      attempted: true,
      ok: result.ok,
      responseStatus: result.status,
      failureCode: result.failureCode,
      reason: result.reason,
      latencyMs: result.latencyMs,
      excerpt: sanitizeExcerpt(result.body),
    };
  }

  /** Writes the outcomes gathered so far in one transaction; concurrent callers share the running flush. */
  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.outcomes.length === 0) return Promise.resolve();
    this.flushing = (async () => {
      try {
        while (this.outcomes.length > 0) {
          const batch = this.outcomes;
          this.outcomes = [];
          try {
            await this.deps.store.withTransaction((tx) => this.record(tx, batch));
          } catch (err) {
            // Not written: the leases expire and the deliveries are attempted again (at least once).
            this.deps.logger.error({ err, count: batch.length }, 'recording webhook attempts failed');
          }
        }
      } finally {
        this.flushing = undefined;
      }
      this.options.onProgress?.();
    })();
    return this.flushing;
  }

  /**
   * Writes a batch of outcomes: delivery rows (only those this worker still holds the lease of, grouped into one
   * UPDATE … RETURNING per identical change), the attempt log, and `pending_webhooks` of settled events.
   */
  private async record(tx: Db, outcomes: Outcome[]): Promise<void> {
    interface Planned {
      outcome: Outcome;
      attemptNo: number;
      final: boolean;
      nextAttemptAt: number | null;
    }
    const groups = new Map<string, { scope: Scope; set: Record<string, unknown>; items: Planned[] }>();
    for (const o of outcomes) {
      const c = o.claimed;
      const attemptNo = c.attempts + 1;
      const final = o.ok || !o.attempted || attemptNo >= c.maxAttempts;
      const nextAttemptAt = final ? null : c.merchantNow + (RETRY_LADDER_S[attemptNo - 1] ?? 0);
      const set = {
        attempts: o.attempted ? attemptNo : c.attempts,
        status: o.ok ? 'succeeded' : final ? 'failed' : 'pending',
        next_attempt_at: nextAttemptAt ?? c.nextAttemptAt,
        last_attempt_at: o.attempted ? c.merchantNow : null,
        locked_by: null,
        locked_until: null,
      };
      const key = `${c.scope.merchantId}|${modeValue(c.scope)}|${JSON.stringify(set)}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { scope: c.scope, set, items: [] }));
      g.items.push({ outcome: o, attemptNo, final, nextAttemptAt });
    }

    const attempts: Record<string, unknown>[] = [];
    const settled = new Map<string, { scope: Scope; counts: Map<string, number> }>();
    for (const g of groups.values()) {
      const updated = (await tx
        .updateTable(DELIVERIES_TABLE)
        .set(g.set)
        .where('merchant_id', '=', g.scope.merchantId)
        .where('livemode', '=', modeValue(g.scope))
        .where('id', 'in', g.items.map((i) => i.outcome.claimed.id))
        .where('locked_by', '=', this.workerId)
        .where('status', '=', 'pending')
        .returning('id')
        .execute()) as { id: string }[];
      const ours = new Set(updated.map((r) => r.id));
      for (const { outcome: o, attemptNo, final, nextAttemptAt } of g.items) {
        const c = o.claimed;
        const stillOurs = ours.has(c.id);
        if (!stillOurs) this.deps.logger.warn({ delivery: c.id, worker: this.workerId }, 'webhook lease lost before the attempt was recorded');
        if (o.attempted) {
          const attempt: DeliveryAttempt = {
            id: newId('wha'),
            object: 'webhook_endpoint_delivery_attempt',
            webhook_endpoint: c.endpointId,
            event_id: c.eventId,
            event_type: c.eventType,
            test_event: c.testEvent,
            attempt: attemptNo,
            status: o.ok ? 'succeeded' : 'failed',
            response_status: o.responseStatus,
            failure_code: o.failureCode,
            failure_reason: o.reason,
            latency_ms: o.latencyMs,
            response_excerpt: o.excerpt,
            next_attempt_at: stillOurs ? nextAttemptAt : null,
            created: c.merchantNow,
            livemode: c.scope.livemode,
          };
          attempts.push({
            merchant_id: c.scope.merchantId,
            livemode: modeValue(c.scope),
            id: attempt.id,
            created: attempt.created,
            data: JSON.stringify(attempt),
            endpoint_id: c.endpointId,
            delivery_id: c.id,
            event_id: c.eventId,
          });
        }
        if (stillOurs && final && !c.testEvent) {
          const k = `${c.scope.merchantId}|${modeValue(c.scope)}`;
          let s = settled.get(k);
          if (!s) settled.set(k, (s = { scope: c.scope, counts: new Map() }));
          s.counts.set(c.eventId, (s.counts.get(c.eventId) ?? 0) + 1);
        }
      }
    }
    for (let i = 0; i < attempts.length; i += 200) {
      await tx.insertInto(ATTEMPTS_TABLE).values(attempts.slice(i, i + 200)).execute();
    }
    for (const { scope, counts } of settled.values()) {
      await settlePendingWebhooks(tx, this.deps.store.engine, scope, counts);
    }
  }
}

/**
 * PostgreSQL, for the rest of the transaction: the queues (outbox, deliveries) are read through their indexes,
 * whatever the planner makes of their statistics. Without sorting as well, an ORDER BY … LIMIT can only come from an
 * ordered index scan, which stops at the limit. Deferred like a write, so it costs no round trip of its own.
 */
function planThroughIndexes(tx: Db, options: { sort: boolean }): Promise<void> {
  const settings = ['set local enable_seqscan = off', 'set local enable_bitmapscan = off', ...(options.sort ? [] : ['set local enable_sort = off'])];
  return write(tx, sql.raw(settings.join('; ')).compile(tx));
}

/** An event whose outbox row a fan-out pass took. */
interface OutboxEvent {
  id: string;
  type: string;
  created: number;
  pending_webhooks: number;
}

/** An outbox row a fan-out pass took (and deleted). */
interface OutboxRow {
  merchant_id: string;
  livemode: number;
  event_id: string;
  more_event_ids: string | null;
  /** The deliveries its events were counted as owing when recorded; null when unknown (migration 0009). */
  pending_webhooks: number | null;
}

/**
 * Removes the oldest FANOUT_BATCH outbox rows inside `tx` and returns them: a row holds a transaction's events of one
 * scope (migration 0008), the first in `event_id`, the others in `more_event_ids` (rows a previous release marked
 * dispatched instead of deleting are left to the retention sweep). PostgreSQL: one statement; rows other workers hold
 * are skipped (FOR UPDATE SKIP LOCKED), and the outbox is read through its index whatever the table's statistics say
 * (the setting lasts for the transaction, so the events are then found by primary key too). SQLite: one writer at a
 * time. A rollback puts the rows back.
 */
async function takeOutboxRows(tx: Db, engine: string): Promise<OutboxRow[]> {
  if (engine === 'postgres') {
    // The outbox is a queue: its heap holds far more deleted rows than live ones until vacuum comes by, and the
    // planner, seeing a small table, scans it whole (measured: three scans of 1,300 pages a pass, 20 s into a
    // PaymentIntent load). Its index on (dispatched_at, created) finds the next rows without reading the dead ones.
    await planThroughIndexes(tx, { sort: true });
    const result = await sql<OutboxRow>`
      delete from event_outbox o
      using (
        select merchant_id, livemode, event_id from event_outbox
        where dispatched_at is null order by dispatched_at, created limit ${FANOUT_BATCH} for update skip locked
      ) c
      where o.merchant_id = c.merchant_id and o.livemode = c.livemode and o.event_id = c.event_id
      returning o.merchant_id, o.livemode, o.event_id, o.more_event_ids, o.pending_webhooks`.execute(tx);
    return result.rows;
  }
  const rows = (await tx
    .selectFrom('event_outbox')
    .select(['merchant_id', 'livemode', 'event_id', 'more_event_ids', 'pending_webhooks'])
    .where('dispatched_at', 'is', null)
    .orderBy('created')
    .limit(FANOUT_BATCH)
    .execute()) as OutboxRow[];
  for (const { scope, items } of groupByScope(rows, rowScope)) {
    await tx
      .deleteFrom('event_outbox')
      .where('merchant_id', '=', scope.merchantId)
      .where('livemode', '=', modeValue(scope))
      .where('event_id', 'in', items.map((r) => r.event_id))
      .execute();
  }
  return rows;
}

/** The ids of the events an outbox row holds, in the order they were recorded. */
function eventIds(row: OutboxRow): string[] {
  return row.more_event_ids ? [row.event_id, ...row.more_event_ids.split(',')] : [row.event_id];
}

/** The events of `ids` in one scope, in that order; an event already removed by retention is left out. */
async function outboxEvents(tx: Db, engine: string, scope: Scope, ids: string[]): Promise<OutboxEvent[]> {
  const found = new Map<string, OutboxEvent>();
  const chunk = engine === 'postgres' ? ids.length : 500;
  for (let i = 0; i < ids.length; i += chunk) {
    const some = ids.slice(i, i + chunk);
    const rows =
      engine === 'postgres'
        ? (
            await sql<OutboxEvent>`
              select id, type, created, pending_webhooks from events
              where merchant_id = ${scope.merchantId} and livemode = ${modeValue(scope)} and id = any(${some})`.execute(tx)
          ).rows
        : ((await tx
            .selectFrom('events')
            .select(['id', 'type', 'created', 'pending_webhooks'])
            .where('merchant_id', '=', scope.merchantId)
            .where('livemode', '=', modeValue(scope))
            .where('id', 'in', some)
            .execute()) as OutboxEvent[]);
    for (const e of rows) found.set(e.id, e);
  }
  return ids.flatMap((id) => found.get(id) ?? []);
}

/** The tenant scope of a row that carries `merchant_id` and `livemode`. */
function rowScope(row: { merchant_id: string; livemode: number }): Scope {
  return { merchantId: row.merchant_id, livemode: row.livemode === 1 };
}

/** Items grouped by tenant scope, in first-seen order. */
function groupByScope<T>(items: T[], scopeOf: (item: T) => Scope): { scope: Scope; items: T[] }[] {
  const groups = new Map<string, { scope: Scope; items: T[] }>();
  for (const item of items) {
    const scope = scopeOf(item);
    const key = scopeKey(scope);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { scope, items: [] }));
    g.items.push(item);
  }
  return [...groups.values()];
}

function failure(claimed: ClaimedDelivery, code: Outcome['failureCode'], reason: string, latencyMs: number): Outcome {
  return { claimed, attempted: true, ok: false, responseStatus: null, failureCode: code, reason, latencyMs, excerpt: null };
}

/** Control characters become spaces; anything shaped like a secret or API key is redacted. */
export function sanitizeExcerpt(body: string): string | null {
  if (body === '') return null;
  return body
    .slice(0, EXCERPT_CHARS)
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\b(whsec|sk_live|sk_test|rk_live|rk_test)_[A-Za-z0-9]+/g, '$1_[redacted]');
}
