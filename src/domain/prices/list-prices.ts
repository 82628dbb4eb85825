import { listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { PRICES_TABLE, type Price } from './price.js';

export interface PriceFilters {
  active?: boolean | undefined;
  product?: string | undefined;
  type?: 'one_time' | 'recurring' | undefined;
  currency?: string | undefined;
  lookupKeys?: string[] | undefined;
  created?: Filter[] | undefined;
}

/** A page of the caller's prices, newest first. A `product` of another merchant or mode simply matches nothing. */
export async function listPrices(ctx: OpContext, filters: PriceFilters, page: PageRequest): Promise<Page<Price>> {
  const where: Filter[] = [...(filters.created ?? [])];
  if (filters.active !== undefined) where.push({ column: 'active', op: '=', value: filters.active ? 1 : 0 });
  if (filters.product !== undefined) where.push({ column: 'product', op: '=', value: filters.product });
  if (filters.type !== undefined) where.push({ column: 'type', op: '=', value: filters.type });
  if (filters.currency !== undefined) where.push({ column: 'currency', op: '=', value: filters.currency });
  if (filters.lookupKeys !== undefined) where.push({ column: 'lookup_key', op: 'in', value: filters.lookupKeys });
  return listObjects<Price>(ctx.db, PRICES_TABLE, ctx.actor.scope, where, page);
}
