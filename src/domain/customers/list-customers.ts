import { sql } from 'kysely';
import { listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { Engine } from '../../db/store.js';
import type { OpContext } from '../context.js';
import { CUSTOMERS_TABLE, type Customer } from './customer.js';

export async function listCustomers(
  ctx: OpContext,
  filters: { email?: string | undefined; search?: string | undefined; created?: Filter[] },
  page: PageRequest,
): Promise<Page<Customer>> {
  const where: Filter[] = [{ column: 'deleted', op: '=', value: 0 }, ...(filters.created ?? [])];
  if (filters.email !== undefined) where.push({ column: 'email', op: '=', value: filters.email });
  if (filters.search !== undefined) where.push({ condition: searchCondition(ctx.deps.store.engine, filters.search) });
  return listObjects<Customer>(ctx.db, CUSTOMERS_TABLE, ctx.actor.scope, where, page);
}

/**
 * `search`: the text, case-insensitively, anywhere in the customer's name, email or id (fluveo-api.md §3.8). LIKE's
 * wildcards in the text match themselves.
 */
function searchCondition(engine: Engine, text: string) {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const name = engine === 'postgres' ? sql`(data::json ->> 'name')` : sql`json_extract(data, '$.name')`;
  return sql<boolean>`(lower(id) like ${pattern} escape '\\' or lower(coalesce(email, '')) like ${pattern} escape '\\' or lower(coalesce(${name}, '')) like ${pattern} escape '\\')`;
}
