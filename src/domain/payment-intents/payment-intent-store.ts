import { insertObject, modeValue, updateObject } from '../../db/objects.js';
import type { ListEnvelope } from '../../http/list.js';
import { AppError } from '../../lib/errors.js';
import type { Charge } from '../charges/charge.js';
import { chargesByIntent } from '../charges/list-charges.js';
import type { OpContext } from '../context.js';
import { PAYMENT_INTENTS_TABLE, type PaymentIntent, type PaymentIntentRow, type StoredPaymentIntent } from './payment-intent.js';

/** How many charges a PaymentIntent embeds; the rest are a `has_more` away at `charges.url`. */
export const EMBEDDED_CHARGES = 10;

/** Reads an intent with its hidden columns; `forUpdate` locks the row on PostgreSQL for read-modify-write. */
export async function loadPaymentIntent(
  ctx: OpContext,
  id: string,
  options: { forUpdate?: boolean; param?: string } = {},
): Promise<PaymentIntentRow> {
  let q = ctx.db
    .selectFrom(PAYMENT_INTENTS_TABLE)
    .select(['data', 'checkout_session', 'authenticated_payment_method'])
    .where('merchant_id', '=', ctx.actor.scope.merchantId)
    .where('livemode', '=', modeValue(ctx.actor.scope))
    .where('id', '=', id);
  if (options.forUpdate && ctx.deps.store.engine === 'postgres') q = q.forUpdate();
  const row = (await q.executeTakeFirst()) as
    | { data: string; checkout_session: string | null; authenticated_payment_method: string | null }
    | undefined;
  if (!row) throw new AppError('resource_missing', `No such payment_intent: '${id}'`, { param: options.param ?? 'id' });
  return {
    intent: JSON.parse(row.data) as StoredPaymentIntent,
    checkoutSession: row.checkout_session,
    authenticatedPaymentMethod: row.authenticated_payment_method,
  };
}

/**
 * Intents created in a transaction whose row is written later, by their first save (an intent created and confirmed
 * in one request is written once, in its confirmed state, instead of inserted and then updated). By transaction
 * handle; the value is the intent's `checkout_session` column.
 */
const unwritten = new WeakMap<object, Map<string, string | null>>();

/** Holds a new intent's row until its first save (or writeUnsavedPaymentIntent) writes it. */
export function holdPaymentIntentUntilSaved(ctx: OpContext, intent: StoredPaymentIntent, checkoutSession: string | null): void {
  let pending = unwritten.get(ctx.db);
  if (!pending) unwritten.set(ctx.db, (pending = new Map<string, string | null>()));
  pending.set(intent.id, checkoutSession);
}

/** Takes a held intent out of the holding: its `checkout_session` column, or undefined when it is not held. */
function takeHeld(ctx: OpContext, id: string): { checkoutSession: string | null } | undefined {
  const pending = unwritten.get(ctx.db);
  if (!pending?.has(id)) return undefined;
  const checkoutSession = pending.get(id) ?? null;
  pending.delete(id);
  return { checkoutSession };
}

export async function insertPaymentIntent(
  ctx: OpContext,
  intent: StoredPaymentIntent,
  checkoutSession: string | null,
  options: { authenticatedPaymentMethod?: string | null } = {},
): Promise<void> {
  await insertObject(ctx.db, PAYMENT_INTENTS_TABLE, ctx.actor.scope, intent, {
    customer: intent.customer,
    status: intent.status,
    checkout_session: checkoutSession,
    authenticated_payment_method: options.authenticatedPaymentMethod ?? null,
  });
}

/** Writes a held intent that no save has written yet (as it is now); a no-op otherwise. */
export async function writeUnsavedPaymentIntent(ctx: OpContext, intent: StoredPaymentIntent): Promise<void> {
  const held = takeHeld(ctx, intent.id);
  if (held) await insertPaymentIntent(ctx, intent, held.checkoutSession);
}

export async function savePaymentIntent(
  ctx: OpContext,
  intent: StoredPaymentIntent,
  options: { authenticatedPaymentMethod?: string | null } = {},
): Promise<void> {
  const held = takeHeld(ctx, intent.id);
  if (held) {
    await insertPaymentIntent(ctx, intent, held.checkoutSession, { authenticatedPaymentMethod: options.authenticatedPaymentMethod ?? null });
    return;
  }
  await updateObject(ctx.db, PAYMENT_INTENTS_TABLE, ctx.actor.scope, intent, {
    customer: intent.customer,
    status: intent.status,
    ...(options.authenticatedPaymentMethod !== undefined ? { authenticated_payment_method: options.authenticatedPaymentMethod } : {}),
  });
}

function chargeList(intentId: string, charges: Charge[]): ListEnvelope<Charge> {
  const data = charges.slice(0, EMBEDDED_CHARGES);
  const hasMore = charges.length > EMBEDDED_CHARGES;
  return {
    object: 'list',
    data,
    has_more: hasMore,
    url: `/v1/charges?payment_intent=${intentId}`,
    next_cursor: hasMore ? (data[data.length - 1]?.id ?? null) : null,
  };
}

/** The intent as the API shows it: with its charges, newest first. `known` skips the query when they are known. */
export async function presentPaymentIntent(ctx: OpContext, intent: StoredPaymentIntent, known?: Charge[]): Promise<PaymentIntent> {
  const charges = known ?? (await chargesByIntent(ctx, [intent.id])).get(intent.id) ?? [];
  return { ...withLaterFields(intent), charges: chargeList(intent.id, charges) };
}

/** Presents a page of intents with one charges query. */
export async function presentPaymentIntents(ctx: OpContext, intents: StoredPaymentIntent[]): Promise<PaymentIntent[]> {
  const byIntent = await chargesByIntent(ctx, intents.map((i) => i.id));
  return intents.map((i) => ({ ...withLaterFields(i), charges: chargeList(i.id, byIntent.get(i.id) ?? []) }));
}

/** Fields added after an intent may have been stored: absent in its stored JSON, null in the API. */
function withLaterFields(intent: StoredPaymentIntent): StoredPaymentIntent {
  if ('statement_descriptor_suffix' in intent) return intent;
  return { ...(intent as Omit<StoredPaymentIntent, 'application_fee_amount' | 'statement_descriptor_suffix'>), application_fee_amount: null, statement_descriptor_suffix: null } as StoredPaymentIntent;
}
