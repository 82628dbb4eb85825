import type { Store } from '../../src/db/store.js';
import { pool, replayEntry, type Journal } from './journal.js';
import type { WebhookReceiver } from './receiver.js';
import type { MerchantRef, Model } from './workload.js';
import { sleep } from './railyard-process.js';

/**
 * The checks the crash and cluster scripts run after their load: read straight from the database (and the live
 * receiver), compared with the client-side model built from acknowledged answers.
 */

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

export class Report {
  readonly checks: CheckResult[] = [];
  readonly figures = new Map<string, string | number>();

  /** A quiet report collects without printing (its checks are printed when copied into another). */
  constructor(private readonly quiet = false) {}

  check(name: string, ok: boolean, detail = ''): void {
    this.checks.push({ name, ok, detail });
    if (!this.quiet) process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}\n`);
  }

  figure(name: string, value: string | number): void {
    this.figures.set(name, value);
  }

  get passed(): boolean {
    return this.checks.length > 0 && this.checks.every((c) => c.ok);
  }
}

interface EventRow {
  merchant_id: string;
  id: string;
  type: string;
  object_id: string | null;
  pending_webhooks: number;
}

const sample = (xs: string[], n = 5) =>
  xs.length > n ? `${xs.slice(0, n).join('; ')} … (${xs.length} in all)` : xs.join('; ');

/** Polls `ready` every 250 ms until it answers true or `timeoutMs` passes; returns the time it took (or -1). */
export async function waitUntil(ready: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    try {
      if (await ready()) return Date.now() - start;
    } catch {
      // the database or a node may be restarting: try again
    }
    if (Date.now() - start > timeoutMs) return -1;
    await sleep(250);
  }
}

/** True once every automatically expiring session of the model is expired in the database. */
export async function autoExpiryDone(store: Store, model: Model): Promise<boolean> {
  const ids = [...model.sessions.values()].filter((s) => s.via === 'automatic').map((s) => s.id);
  if (ids.length === 0) return true;
  let open = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const r = await store.db
      .selectFrom('checkout_sessions')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('id', 'in', ids.slice(i, i + 500))
      .where('status', '=', 'open')
      .executeTakeFirst();
    open += Number((r as { n: number | string }).n);
  }
  return open === 0;
}

/**
 * The events each of a merchant's endpoints must receive: all of the merchant's events but the creation events of
 * the endpoints made before it (fanned out, possibly, before it existed). `optional` lists those.
 */
function owedTo(
  merchant: MerchantRef,
  hookIndex: number,
  events: { id: string; type: string; object_id: string | null }[],
): { must: Set<string>; optional: Set<string> } {
  const earlier = new Set(merchant.hooks.slice(0, hookIndex).map((h) => h.endpointId));
  const must = new Set<string>();
  const optional = new Set<string>();
  for (const e of events) {
    if (e.type === 'webhook_endpoint.created' && e.object_id !== null && earlier.has(e.object_id)) optional.add(e.id);
    else must.add(e.id);
  }
  return { must, optional };
}

/** True once the outbox is empty, every delivery succeeded and every endpoint's receiver got every event it is owed. */
export async function webhooksDrained(
  store: Store,
  receiver: WebhookReceiver,
  merchants: MerchantRef[],
): Promise<boolean> {
  const ids = merchants.map((m) => m.id);
  const undispatched = await store.db
    .selectFrom('event_outbox')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('merchant_id', 'in', ids)
    .where('dispatched_at', 'is', null)
    .executeTakeFirst();
  if (Number((undispatched as { n: number | string }).n) > 0) return false;
  const pending = await store.db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('merchant_id', 'in', ids)
    .where('status', '!=', 'succeeded')
    .executeTakeFirst();
  if (Number((pending as { n: number | string }).n) > 0) return false;
  for (const m of merchants) {
    const events = (await store.db
      .selectFrom('events')
      .select(['id', 'type', 'object_id'])
      .where('merchant_id', '=', m.id)
      .execute()) as { id: string; type: string; object_id: string | null }[];
    for (const [i, hook] of m.hooks.entries()) {
      const got = receiver.received(hook.name);
      for (const id of owedTo(m, i, events).must) if (!got.has(id)) return false;
    }
  }
  return true;
}

/** Sends every acknowledged request again with its key: each must be a stored replay, byte for byte. */
export async function checkReplays(report: Report, journal: Journal, baseFor: (i: number) => string): Promise<void> {
  const acked = journal.entries.filter((e) => e.ack);
  const problems: string[] = [];
  await pool(acked, 16, async (entry, i) => {
    const r = await replayEntry(baseFor(i), entry);
    const ack = entry.ack!;
    if (r.status !== ack.status || !r.replayed || r.text !== ack.text) {
      problems.push(
        `${entry.label} ${entry.key}: ${r.status} replayed=${String(r.replayed)} same=${String(r.text === ack.text)}`,
      );
    }
  });
  report.figure('replay check requests', acked.length);
  report.check(
    'every acknowledged request replays its stored answer byte for byte (Idempotent-Replayed: true)',
    problems.length === 0 && acked.length === journal.entries.length,
    problems.length ? sample(problems) : `${acked.length} requests`,
  );
}

/** Objects, money, events and webhooks against the model. */
export async function checkStorage(
  report: Report,
  store: Store,
  model: Model,
  merchants: MerchantRef[],
  receiver: WebhookReceiver,
  options: { exactlyOnceDelivery: boolean },
): Promise<void> {
  const merchantIds = merchants.map((m) => m.id);
  const db = store.db;
  const rows = async (table: string, columns: string[]) =>
    (await db
      .selectFrom(table)
      .select(['merchant_id', 'id', ...columns])
      .where('merchant_id', 'in', merchantIds)
      .execute()) as Record<string, unknown>[];

  // 1. Every acknowledged object exists, exactly once, and nothing else was created.
  const customers = await rows('customers', []);
  const intents = await rows('payment_intents', ['data']);
  const charges = await rows('charges', ['data', 'payment_intent']);
  const refunds = await rows('refunds', ['data', 'payment_intent', 'charge', 'status']);
  const sessions = await rows('checkout_sessions', ['data', 'status']);
  const sameSet = (name: string, actual: Record<string, unknown>[], expected: Iterable<string>) => {
    const want = new Set(expected);
    const got = actual.map((r) => r.id as string);
    const missing = [...want].filter((id) => !got.includes(id));
    const extra = got.filter((id) => !want.has(id));
    const dup = got.length - new Set(got).size;
    report.check(
      `${name}: every acknowledged one exists exactly once, no others`,
      missing.length === 0 && extra.length === 0 && dup === 0,
      `${got.length} in the database, ${want.size} acknowledged${missing.length ? `; missing ${sample(missing)}` : ''}${extra.length ? `; unexpected ${sample(extra)}` : ''}`,
    );
  };
  sameSet('customers', customers, model.customers.keys());
  sameSet('payment intents', intents, model.intents.keys());
  sameSet('checkout sessions', sessions, model.sessions.keys());
  sameSet(
    'refunds',
    refunds,
    [...model.intents.values()].flatMap((i) => i.refunds.map((r) => r.id)),
  );
  const expectedCharges = [...model.intents.values()].reduce((n, i) => n + i.charges, 0);
  report.check(
    'charges: one per confirmed payment, no others',
    charges.length === expectedCharges,
    `${charges.length} in the database, ${expectedCharges} expected`,
  );
  for (const m of merchants) {
    for (const [table, ids] of model.extraObjects.get(m.id) ?? []) {
      sameSet(
        `${table} (${m.name})`,
        await db.selectFrom(table).select(['merchant_id', 'id']).where('merchant_id', '=', m.id).execute(),
        ids,
      );
    }
  }

  // 2. Money: captured once, refunded exactly what was acknowledged, never more than captured.
  const chargesByIntent = new Map<string, Record<string, unknown>[]>();
  for (const c of charges) {
    const list = chargesByIntent.get(c.payment_intent as string) ?? [];
    list.push(c);
    chargesByIntent.set(c.payment_intent as string, list);
  }
  const refundsByIntent = new Map<string, Record<string, unknown>[]>();
  for (const r of refunds) {
    const list = refundsByIntent.get(r.payment_intent as string) ?? [];
    list.push(r);
    refundsByIntent.set(r.payment_intent as string, list);
  }
  const intentById = new Map(
    intents.map((r) => [r.id as string, JSON.parse(r.data as string) as Record<string, unknown>]),
  );
  const moneyProblems: string[] = [];
  const stateProblems: string[] = [];
  let capturedTotal = 0;
  let refundedTotal = 0;
  const chargeOfIntent = new Map<string, string>();
  for (const intent of model.intents.values()) {
    const pi = intentById.get(intent.id);
    if (!pi) continue;
    if (pi.status !== intent.status)
      stateProblems.push(`${intent.id} (${intent.kind}) is ${String(pi.status)}, expected ${intent.status}`);
    if (intent.cancellationReason && pi.cancellation_reason !== intent.cancellationReason)
      stateProblems.push(
        `${intent.id} cancellation_reason ${String(pi.cancellation_reason)}, expected ${intent.cancellationReason}`,
      );
    const own = chargesByIntent.get(intent.id) ?? [];
    if (own.length !== intent.charges) {
      moneyProblems.push(`${intent.id} has ${own.length} charges, expected ${intent.charges}`);
      continue;
    }
    const refundedModel = intent.refunds.reduce((s, r) => s + r.amount, 0);
    const received = Number(pi.amount_received ?? 0);
    if (received !== intent.captured)
      moneyProblems.push(`${intent.id} amount_received ${received}, expected ${intent.captured}`);
    const charge = own[0] ? (JSON.parse(own[0].data as string) as Record<string, unknown>) : undefined;
    if (charge) {
      chargeOfIntent.set(intent.id, charge.id as string);
      const captured = charge.captured === false ? 0 : Number(charge.amount_captured ?? 0);
      if (intent.kind !== 'declined' && captured !== intent.captured)
        moneyProblems.push(`${intent.id}: charge amount_captured ${captured}, expected ${intent.captured}`);
      const released = releasedAmount(charge, String(pi.status));
      if (Number(charge.amount_refunded) !== refundedModel + released)
        moneyProblems.push(
          `${intent.id}: charge amount_refunded ${String(charge.amount_refunded)}, acknowledged refunds ${refundedModel} + released ${released}`,
        );
      capturedTotal += intent.kind === 'declined' ? 0 : captured;
    }
    const stored = refundsByIntent.get(intent.id) ?? [];
    const storedSum = stored.reduce((s, r) => s + (JSON.parse(r.data as string) as { amount: number }).amount, 0);
    if (stored.length !== intent.refunds.length || storedSum !== refundedModel)
      moneyProblems.push(
        `${intent.id}: ${stored.length} refunds totalling ${storedSum} stored, ${intent.refunds.length} totalling ${refundedModel} acknowledged`,
      );
    refundedTotal += storedSum;
  }
  report.check(
    'no payment captured or refunded twice: each charge shows exactly the acknowledged capture and refunds',
    moneyProblems.length === 0,
    moneyProblems.length
      ? sample(moneyProblems)
      : `${model.intents.size} intents, captured ${capturedTotal}, refunded ${refundedTotal} (minor units)`,
  );
  report.figure('captured (minor units)', capturedTotal);
  report.figure('refunded (minor units)', refundedTotal);

  const over: string[] = [];
  const succeededRefundsByCharge = new Map<string, number>();
  for (const r of refunds) {
    if (r.status === 'succeeded')
      succeededRefundsByCharge.set(
        r.charge as string,
        (succeededRefundsByCharge.get(r.charge as string) ?? 0) +
          (JSON.parse(r.data as string) as { amount: number }).amount,
      );
  }
  for (const c of charges) {
    const ch = JSON.parse(c.data as string) as Record<string, unknown> & { id: string; amount_captured: number; amount_refunded: number };
    const refunded = succeededRefundsByCharge.get(ch.id) ?? 0;
    if (refunded > ch.amount_captured) over.push(`${ch.id}: refunded ${refunded} > captured ${ch.amount_captured}`);
    const released = releasedAmount(ch, String(intentById.get(c.payment_intent as string)?.status));
    if (refunded + released !== ch.amount_refunded)
      over.push(`${ch.id}: refunds sum ${refunded} + released ${released} ≠ amount_refunded ${ch.amount_refunded}`);
  }
  report.check(
    'refunds never exceed captures (every charge in the database; refund rows and released amounts add up to amount_refunded)',
    over.length === 0,
    over.length ? sample(over) : `${charges.length} charges`,
  );
  sessionStates(model, sessions, stateProblems);
  report.check(
    'every intent and session ended in the acknowledged state',
    stateProblems.length === 0,
    stateProblems.length ? sample(stateProblems) : `${model.intents.size} intents, ${model.sessions.size} sessions`,
  );

  // 3. Every state change has its event, exactly once.
  const events = (await db
    .selectFrom('events')
    .select(['merchant_id', 'id', 'type', 'object_id', 'pending_webhooks'])
    .where('merchant_id', 'in', merchantIds)
    .execute()) as EventRow[];
  const actual = new Map<string, Map<string, number>>();
  for (const e of events) {
    const key = e.object_id ?? '(none)';
    let m = actual.get(key);
    if (!m) actual.set(key, (m = new Map()));
    m.set(e.type, (m.get(e.type) ?? 0) + 1);
  }
  const expected = new Map<string, Map<string, number>>();
  for (const [id, types] of model.events) expected.set(id, new Map(types));
  for (const intent of model.intents.values()) {
    const charge = chargeOfIntent.get(intent.id);
    if (charge && intent.chargeEvents.size) expected.set(charge, new Map(intent.chargeEvents));
  }
  const eventProblems: string[] = [];
  let expectedTotal = 0;
  for (const [id, types] of expected) {
    const got = actual.get(id) ?? new Map<string, number>();
    for (const [type, n] of types) {
      expectedTotal += n;
      if ((got.get(type) ?? 0) !== n) eventProblems.push(`${id} ${type}: ${got.get(type) ?? 0} events, expected ${n}`);
    }
    for (const [type, n] of got) if (!types.has(type)) eventProblems.push(`${id}: unexpected ${type} ×${n}`);
  }
  for (const [id, types] of actual)
    if (!expected.has(id))
      eventProblems.push(`events for an object the model does not know: ${id} ${[...types.keys()].join(',')}`);
  report.check(
    'every state change has its event, exactly once (per object and type), and no other event exists',
    eventProblems.length === 0 && events.length === expectedTotal,
    eventProblems.length ? sample(eventProblems) : `${events.length} events`,
  );
  report.figure('events', events.length);

  // 4. The test clock moved exactly by the acknowledged advances.
  for (const m of merchants) {
    const want = model.clockAdvance.get(m.id);
    if (want === undefined) continue;
    const row = (await db
      .selectFrom('merchants')
      .select('test_clock_offset_s')
      .where('id', '=', m.id)
      .executeTakeFirst()) as { test_clock_offset_s: number | string };
    report.check(
      `test clock of ${m.name} advanced exactly by the acknowledged advance_clock calls`,
      Number(row.test_clock_offset_s) === want,
      `${row.test_clock_offset_s} s stored, ${want} s acknowledged`,
    );
  }

  // 5. Every event reached the live receiver (at least once; exactly once where asked).
  // A fanned-out event leaves the outbox in the transaction that created its deliveries.
  const outbox = (await db
    .selectFrom('event_outbox')
    .select('event_id')
    .where('merchant_id', 'in', merchantIds)
    .execute()) as { event_id: string }[];
  report.check('every event left the outbox (fanned out)', outbox.length === 0, `${outbox.length} of ${events.length} events still in the outbox`);
  const deliveries = (await db
    .selectFrom('webhook_deliveries')
    .select(['merchant_id', 'event_id', 'endpoint_id', 'status', 'attempts'])
    .where('merchant_id', 'in', merchantIds)
    .where('test_event', '=', 0)
    .execute()) as { merchant_id: string; event_id: string; endpoint_id: string; status: string; attempts: number }[];
  let owedMin = 0;
  let owedMax = 0;
  let missing = 0;
  let received = 0;
  let duplicates = 0;
  let unknown = 0;
  const duplicated: { endpointId: string; eventId: string; received: number }[] = [];
  for (const m of merchants) {
    const mine = events.filter((e) => e.merchant_id === m.id);
    for (const [i, hook] of m.hooks.entries()) {
      const { must, optional } = owedTo(m, i, mine);
      owedMin += must.size;
      owedMax += must.size + optional.size;
      const got = receiver.received(hook.name);
      for (const id of must) if (!got.has(id)) missing++;
      for (const [id, n] of got) {
        received += n;
        if (n > 1) {
          duplicates += n - 1;
          duplicated.push({ endpointId: hook.endpointId, eventId: id, received: n });
        }
        if (!must.has(id) && !optional.has(id)) unknown++;
      }
    }
  }
  report.check(
    'one delivery row per event and endpoint, every one succeeded; pending_webhooks back to 0',
    deliveries.length >= owedMin &&
      deliveries.length <= owedMax &&
      deliveries.every((d) => d.status === 'succeeded') &&
      events.every((e) => e.pending_webhooks === 0),
    `${deliveries.length} delivery rows (${owedMin}–${owedMax} owed), ${deliveries.filter((d) => d.status !== 'succeeded').length} not succeeded, ${events.filter((e) => e.pending_webhooks !== 0).length} events with pending_webhooks > 0`,
  );
  report.figure('deliveries received', received);
  report.figure('duplicate deliveries (same Webhook-Id, same endpoint)', duplicates);
  report.check(
    'every event was delivered to every endpoint of its merchant at least once, with a valid signature',
    missing === 0 && unknown === 0 && receiver.badSignatures === 0 && receiver.mismatchedIds === 0,
    `${received} deliveries for ${events.length} events; ${missing} owed but never delivered, ${unknown} unknown ids, ${receiver.badSignatures} bad signatures`,
  );
  if (options.exactlyOnceDelivery) {
    report.check(
      'every event was delivered exactly once per endpoint',
      duplicates === 0,
      `${duplicates} duplicate deliveries`,
    );
  } else if (duplicated.length > 0) {
    // At least once: a second delivery must come from an attempt whose result was never recorded (its process died
    // holding the lease), so the receiver saw more deliveries than the attempt log holds for that delivery.
    const recorded = new Map<string, number>();
    const attempts = (await db
      .selectFrom('webhook_attempts')
      .select(['event_id', 'endpoint_id'])
      .where('merchant_id', 'in', merchantIds)
      .execute()) as { event_id: string; endpoint_id: string }[];
    for (const a of attempts)
      recorded.set(`${a.endpoint_id}|${a.event_id}`, (recorded.get(`${a.endpoint_id}|${a.event_id}`) ?? 0) + 1);
    const unexplained = duplicated.filter((d) => (recorded.get(`${d.endpointId}|${d.eventId}`) ?? 0) >= d.received);
    report.check(
      'every duplicate delivery is a re-delivery of an attempt a killed process never recorded',
      unexplained.length === 0,
      `${duplicated.length} duplicated (event, endpoint) pairs; ${unexplained.length} with as many recorded attempts as deliveries`,
    );
  }
}

function sessionStates(model: Model, sessions: Record<string, unknown>[], problems: string[]): void {
  const byId = new Map(sessions.map((s) => [s.id as string, s.status as string]));
  for (const s of model.sessions.values()) {
    const status = byId.get(s.id);
    if (status !== undefined && status !== s.status)
      problems.push(`session ${s.id} is ${status}, expected ${s.status}`);
  }
}

/**
 * What a charge's `amount_refunded` counts besides its refunds: the remainder a partial capture released, or the
 * whole amount of an authorization released by canceling its PaymentIntent (docs/payments.md).
 */
function releasedAmount(charge: Record<string, unknown>, intentStatus: string): number {
  if (charge.status !== 'succeeded') return 0;
  if (charge.captured === true) return Number(charge.amount) - Number(charge.amount_captured);
  return intentStatus === 'canceled' ? Number(charge.amount) : 0;
}
