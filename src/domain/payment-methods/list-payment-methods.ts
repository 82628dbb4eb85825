import { listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { PAYMENT_METHODS_TABLE, type PaymentMethod } from './payment-method.js';

/** Stored payment methods, newest first; the shared test ids are not listed. */
export async function listPaymentMethods(
  ctx: OpContext,
  filters: { customer?: string | undefined; type?: string | undefined; created?: Filter[] },
  page: PageRequest,
): Promise<Page<PaymentMethod>> {
  const where: Filter[] = [...(filters.created ?? [])];
  if (filters.customer !== undefined) where.push({ column: 'customer', op: '=', value: filters.customer });
  if (filters.type !== undefined) where.push({ column: 'type', op: '=', value: filters.type });
  return listObjects<PaymentMethod>(ctx.db, PAYMENT_METHODS_TABLE, ctx.actor.scope, where, page);
}
