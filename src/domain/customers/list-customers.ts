import { listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { CUSTOMERS_TABLE, type Customer } from './customer.js';

export async function listCustomers(
  ctx: OpContext,
  filters: { email?: string | undefined; created?: Filter[] },
  page: PageRequest,
): Promise<Page<Customer>> {
  const where: Filter[] = [{ column: 'deleted', op: '=', value: 0 }, ...(filters.created ?? [])];
  if (filters.email !== undefined) where.push({ column: 'email', op: '=', value: filters.email });
  return listObjects<Customer>(ctx.db, CUSTOMERS_TABLE, ctx.actor.scope, where, page);
}
