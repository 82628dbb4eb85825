import { modeValue, scopeKey, type Scope } from '../../db/objects.js';
import { transactionState, type Db } from '../../db/store.js';
import { insertStatement, write } from '../../db/statements.js';
import { newId } from '../../lib/ids.js';
import type { OpContext } from '../context.js';
import { countSubscribedEndpoints } from '../webhooks/endpoint.js';

export interface EventObject {
  id: string;
  object: 'event';
  type: string;
  api_version: string;
  created: number;
  livemode: boolean;
  merchant_id: string;
  pending_webhooks: number;
  data: { object: object };
}

/**
 * Records an event for a state change, in the caller's transaction, with its place in the outbox: the change, its
 * event and the promise to deliver it commit together or not at all. `data.object` is kept in the latest shape and
 * rendered in the event's `api_version` when read or delivered.
 */
export async function recordEvent(
  ctx: OpContext,
  type: string,
  object: { id: string },
  /** The PaymentIntent whose event list shows this event: given for its own events and its charges' and refunds'. */
  links: { paymentIntent?: string | null } = {},
): Promise<EventObject> {
  const { actor } = ctx;
  // Counted in the event's transaction so the event reads true at once; the webhook worker fixes the number when
  // it fans the event out (an endpoint may have changed in between).
  const pendingWebhooks = await countSubscribedEndpoints(ctx.db, actor.scope, type, Date.now());
  const envelope: Omit<EventObject, 'data'> = {
    id: newId('evt'),
    object: 'event',
    type,
    api_version: actor.merchant.default_api_version,
    created: actor.now,
    livemode: actor.scope.livemode,
    merchant_id: actor.merchant.id,
    pending_webhooks: pendingWebhooks,
  };
  const event: EventObject = { ...envelope, data: { object } };
  // The event's JSON is written with the object's JSON as one piece, which this transaction remembers: a response
  // that is the same object, byte for byte, is stored as a reference to this event (src/http/idempotency.ts).
  const objectJson = JSON.stringify(object);
  const row = {
    merchant_id: actor.merchant.id,
    livemode: modeValue(actor.scope),
    id: event.id,
    created: event.created,
    data: `${JSON.stringify(envelope).slice(0, -1)},"data":{"object":${objectJson}}}`,
    type,
    api_version: event.api_version,
    object_id: object.id,
    payment_intent: links.paymentIntent ?? null,
    pending_webhooks: pendingWebhooks,
  };
  await write(ctx.db, insertStatement(ctx.db, 'events', row));
  await addToOutbox(ctx.db, actor.scope, actor.now, event.id, pendingWebhooks);
  rememberObjectJson(ctx.db, event.id, objectJson);
  return event;
}

const OBJECT_JSON = Symbol('objects of the events recorded in this transaction');

function rememberObjectJson(db: Db, eventId: string, json: string): void {
  const tx = transactionState(db);
  if (!tx) return;
  let recorded = tx.locals.get(OBJECT_JSON) as { eventId: string; json: string }[] | undefined;
  if (!recorded) tx.locals.set(OBJECT_JSON, (recorded = []));
  recorded.push({ eventId, json });
}

/**
 * The event recorded in this transaction whose `data.object`, as written, is exactly `body` (the latest such
 * event), if any. A response that is such an object (a PaymentIntent as its last event shows it, in the event's
 * API version) need not be stored twice: the stored response names the event instead (src/http/idempotency.ts).
 */
export function eventHoldingObjectJson(db: Db, body: string): string | undefined {
  const recorded = transactionState(db)?.locals.get(OBJECT_JSON) as { eventId: string; json: string }[] | undefined;
  if (!recorded) return undefined;
  for (let i = recorded.length - 1; i >= 0; i--) {
    const r = recorded[i];
    if (r && r.json.length === body.length && r.json === body) return r.eventId;
  }
  return undefined;
}

/** The `data.object` JSON of a stored event, exactly as it was written (the event's `data` column holds it). */
export function objectJsonOfEventData(data: string): string {
  return JSON.stringify((JSON.parse(data) as { data: { object: unknown } }).data.object);
}

interface OutboxRow {
  scope: Scope;
  created: number;
  events: string[];
  /** The events' `pending_webhooks`, summed (migration 0009). */
  pending: number;
}

const OUTBOX = Symbol('event outbox rows');

/**
 * Puts an event in the outbox. In a transaction, its events share one outbox row per tenant scope, written when the
 * transaction's work is done, just before COMMIT: the first event's id and the others in the order they were
 * recorded (migration 0008), with the deliveries they were counted as owing (migration 0009). Outside one, the
 * event gets a row of its own at once.
 */
async function addToOutbox(db: Db, scope: Scope, created: number, eventId: string, pending: number): Promise<void> {
  const tx = transactionState(db);
  if (!tx) {
    await writeOutboxRow(db, { scope, created, events: [eventId], pending });
    return;
  }
  let rows = tx.locals.get(OUTBOX) as Map<string, OutboxRow> | undefined;
  if (!rows) {
    const pending = new Map<string, OutboxRow>();
    tx.locals.set(OUTBOX, pending);
    tx.beforeCommit(async () => {
      for (const row of pending.values()) await writeOutboxRow(db, row);
    });
    rows = pending;
  }
  const row = rows.get(scopeKey(scope));
  if (row) {
    row.events.push(eventId);
    row.pending += pending;
  } else rows.set(scopeKey(scope), { scope, created, events: [eventId], pending });
}

/** A plain insert; on PostgreSQL a deferred write that travels with the COMMIT. */
async function writeOutboxRow(db: Db, { scope, created, events, pending }: OutboxRow): Promise<void> {
  const [first, ...more] = events;
  const values = {
    merchant_id: scope.merchantId,
    livemode: modeValue(scope),
    event_id: first,
    created,
    dispatched_at: null,
    more_event_ids: more.length ? more.join(',') : null,
    pending_webhooks: pending,
  };
  await write(db, insertStatement(db, 'event_outbox', values));
}
