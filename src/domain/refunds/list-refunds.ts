import { listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { REFUNDS_TABLE, type Refund } from './refund.js';

export async function listRefunds(
  ctx: OpContext,
  filters: { paymentIntent?: string | undefined; charge?: string | undefined; created?: Filter[] },
  page: PageRequest,
): Promise<Page<Refund>> {
  const where: Filter[] = [...(filters.created ?? [])];
  if (filters.paymentIntent !== undefined) where.push({ column: 'payment_intent', op: '=', value: filters.paymentIntent });
  if (filters.charge !== undefined) where.push({ column: 'charge', op: '=', value: filters.charge });
  return listObjects<Refund>(ctx.db, REFUNDS_TABLE, ctx.actor.scope, where, page);
}
