import { insertObject, modeValue, updateObject, type Scope } from '../../db/objects.js';
import type { Db } from '../../db/store.js';
import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { CHECKOUT_SESSIONS_TABLE, sessionColumns, type CheckoutSession, type CollectedDetails, type LineItem, type SessionRow } from './session.js';

export function sessionNotFound(id: string, param = 'id'): AppError {
  return new AppError('resource_missing', `No such checkout.session: '${id}'`, { param });
}

/**
 * Reads a session with its hidden columns in the caller's scope; 404 when it is not the caller's. `forUpdate`
 * locks the row on PostgreSQL (SQLite transactions hold the write lock already): every state change of a session
 * — expire, complete, update — takes this lock first, so concurrent ones serialize and the loser sees the new state.
 */
export async function loadSessionRow(ctx: OpContext, id: string, options: { forUpdate?: boolean; lineItems?: boolean } = {}): Promise<SessionRow> {
  const row = await selectSession(ctx.db, ctx.actor.scope, id, { forUpdate: options.forUpdate === true && ctx.deps.store.engine === 'postgres', lineItems: options.lineItems ?? true });
  if (!row) throw sessionNotFound(id);
  return row;
}

export async function selectSession(
  db: Db,
  scope: Scope,
  id: string,
  options: { forUpdate?: boolean; skipLocked?: boolean; lineItems?: boolean },
): Promise<SessionRow | undefined> {
  let q = db
    .selectFrom(CHECKOUT_SESSIONS_TABLE)
    .select(options.lineItems === false ? ['data', 'collected'] : ['data', 'collected', 'line_items'])
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', modeValue(scope))
    .where('id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  if (options.forUpdate && options.skipLocked) q = q.skipLocked();
  const row = (await q.executeTakeFirst()) as { data: string; collected: string | null; line_items?: string } | undefined;
  if (!row) return undefined;
  return {
    session: JSON.parse(row.data) as CheckoutSession,
    lineItems: row.line_items === undefined ? [] : (JSON.parse(row.line_items) as LineItem[]),
    collected: row.collected ? (JSON.parse(row.collected) as CollectedDetails) : {},
  };
}

export async function insertSession(ctx: OpContext, session: CheckoutSession, lineItems: LineItem[]): Promise<void> {
  await insertObject(ctx.db, CHECKOUT_SESSIONS_TABLE, ctx.actor.scope, session, {
    ...sessionColumns(session),
    line_items: JSON.stringify(lineItems),
    collected: null,
  });
}

/** Rewrites a session (and, when given, the details collected so far). */
export async function saveSession(ctx: OpContext, session: CheckoutSession, collected?: CollectedDetails): Promise<void> {
  await updateObject(ctx.db, CHECKOUT_SESSIONS_TABLE, ctx.actor.scope, session, {
    ...sessionColumns(session),
    ...(collected !== undefined ? { collected: JSON.stringify(collected) } : {}),
  });
}
