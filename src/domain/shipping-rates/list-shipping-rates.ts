import { listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { SHIPPING_RATES_TABLE, type ShippingRate } from './shipping-rate.js';

export interface ShippingRateFilters {
  active?: boolean | undefined;
  currency?: string | undefined;
  created?: Filter[] | undefined;
}

/** A page of the caller's shipping rates, newest first. */
export async function listShippingRates(
  ctx: OpContext,
  filters: ShippingRateFilters,
  page: PageRequest,
): Promise<Page<ShippingRate>> {
  const where: Filter[] = [...(filters.created ?? [])];
  if (filters.active !== undefined) where.push({ column: 'active', op: '=', value: filters.active ? 1 : 0 });
  if (filters.currency !== undefined) where.push({ column: 'currency', op: '=', value: filters.currency });
  return listObjects<ShippingRate>(ctx.db, SHIPPING_RATES_TABLE, ctx.actor.scope, where, page);
}
