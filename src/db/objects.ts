import type { RawBuilder, SqlBool } from 'kysely';
import { AppError } from '../lib/errors.js';
import { findStatement, insertStatement, updateStatement, write } from './statements.js';
import { findGathered, type Db } from './store.js';

/** The tenancy boundary: every row belongs to one merchant and one mode. */
export interface Scope {
  merchantId: string;
  livemode: boolean;
}

export const modeValue = (scope: Scope): number => (scope.livemode ? 1 : 0);

/** A tenant scope as a map key. */
export const scopeKey = (scope: Scope): string => `${scope.merchantId}|${modeValue(scope)}`;

export interface ObjectRow {
  id: string;
  created: number;
  data: string;
}

/**
 * Inserts an object row; `extra` holds the table's filter columns. The insert is a deferred write (see `deferWrite`):
 * a caller that must catch its failure itself (a unique column) passes `{ immediate: true }`.
 */
export async function insertObject(
  tx: Db,
  table: string,
  scope: Scope,
  object: { id: string; created: number },
  extra: Record<string, unknown> = {},
  options: { immediate?: boolean } = {},
): Promise<void> {
  const row = {
    merchant_id: scope.merchantId,
    livemode: modeValue(scope),
    id: object.id,
    created: object.created,
    data: JSON.stringify(object),
    ...extra,
  };
  await write(tx, insertStatement(tx, table, row), options);
}

/**
 * Rewrites an object's body (and filter columns) — an object the caller has read (and locked) in this transaction.
 * A deferred write like `insertObject`; `{ immediate: true }` for a caller that catches its failure itself.
 */
export async function updateObject(
  tx: Db,
  table: string,
  scope: Scope,
  object: { id: string },
  extra: Record<string, unknown> = {},
  options: { immediate?: boolean } = {},
): Promise<void> {
  const set = { data: JSON.stringify(object), ...extra };
  await write(tx, updateStatement(tx, table, [scope.merchantId, modeValue(scope)], object.id, set), options);
}

/**
 * Reads one object in the caller's scope. `forUpdate` locks the row on PostgreSQL (SQLite transactions already
 * hold the database's write lock).
 */
export async function findObject<T>(
  db: Db,
  table: string,
  scope: Scope,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<T | undefined> {
  if (!options.forUpdate) {
    const gathered = findGathered(db, table, scope.merchantId, modeValue(scope), id);
    if (gathered) {
      const data = await gathered;
      return data === undefined ? undefined : (JSON.parse(data) as T);
    }
  }
  const statement = findStatement(db, table, [scope.merchantId, modeValue(scope)], id, options.forUpdate === true);
  const row = (await db.executeQuery<{ data: string }>(statement)).rows[0];
  return row ? (JSON.parse(row.data) as T) : undefined;
}

export type Filter =
  | { column: string; op: '=' | '<' | '<=' | '>' | '>='; value: string | number }
  | { column: string; op: 'in'; value: (string | number)[] }
  /** A condition of its own (a text search over several fields). */
  | { condition: RawBuilder<SqlBool> };

export interface PageRequest {
  limit: number;
  startingAfter?: string | undefined;
  endingBefore?: string | undefined;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

/**
 * One keyset page, newest first (created desc, id desc). Cursors are ids of the caller's own objects in this table;
 * any other id is refused with 400 — it never reveals another tenant's rows.
 */
export async function listObjects<T>(
  db: Db,
  table: string,
  scope: Scope,
  filters: Filter[],
  page: PageRequest,
): Promise<Page<T>> {
  const base = () => {
    let q = db.selectFrom(table).where('merchant_id', '=', scope.merchantId).where('livemode', '=', modeValue(scope));
    for (const f of filters) q = 'condition' in f ? q.where(f.condition) : q.where(f.column, f.op, f.value);
    return q;
  };

  const cursorId = page.startingAfter ?? page.endingBefore;
  const param = page.startingAfter !== undefined ? 'starting_after' : 'ending_before';
  let cursor: { created: number; id: string } | undefined;
  if (cursorId !== undefined) {
    cursor = (await db
      .selectFrom(table)
      .select(['created', 'id'])
      .where('merchant_id', '=', scope.merchantId)
      .where('livemode', '=', modeValue(scope))
      .where('id', '=', cursorId)
      .executeTakeFirst()) as { created: number; id: string } | undefined;
    if (!cursor) {
      throw new AppError('parameter_invalid', `Invalid ${param}: no object '${cursorId}' to page from.`, { param });
    }
  }

  let q = base().select('data');
  if (cursor && page.startingAfter !== undefined) {
    const c = cursor;
    q = q
      .where((eb) =>
        eb.or([eb('created', '<', c.created), eb.and([eb('created', '=', c.created), eb('id', '<', c.id)])]),
      )
      .orderBy('created', 'desc')
      .orderBy('id', 'desc');
  } else if (cursor) {
    const c = cursor;
    q = q
      .where((eb) =>
        eb.or([eb('created', '>', c.created), eb.and([eb('created', '=', c.created), eb('id', '>', c.id)])]),
      )
      .orderBy('created', 'asc')
      .orderBy('id', 'asc');
  } else {
    q = q.orderBy('created', 'desc').orderBy('id', 'desc');
  }
  const rows = (await q.limit(page.limit + 1).execute()) as { data: string }[];
  const hasMore = rows.length > page.limit;
  const kept = rows.slice(0, page.limit);
  if (cursor && page.endingBefore !== undefined) kept.reverse();
  return { data: kept.map((r) => JSON.parse(r.data) as T), hasMore };
}
