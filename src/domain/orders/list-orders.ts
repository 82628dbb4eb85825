import { listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { ORDERS_TABLE, type Order, type OrderStatus } from './order.js';

export interface OrderFilters {
  status?: OrderStatus | undefined;
  customer?: string | undefined;
  created?: Filter[] | undefined;
}

/** One page of the caller's orders, newest first. */
export async function listOrders(ctx: OpContext, filters: OrderFilters, page: PageRequest): Promise<Page<Order>> {
  const where: Filter[] = [...(filters.created ?? [])];
  if (filters.status !== undefined) where.push({ column: 'status', op: '=', value: filters.status });
  if (filters.customer !== undefined) where.push({ column: 'customer', op: '=', value: filters.customer });
  return listObjects<Order>(ctx.db, ORDERS_TABLE, ctx.actor.scope, where, page);
}
