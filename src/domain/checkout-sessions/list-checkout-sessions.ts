import { listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { CHECKOUT_SESSIONS_TABLE, type CheckoutSession, type SessionStatus } from './session.js';

export interface SessionFilters {
  status?: SessionStatus | undefined;
  customer?: string | undefined;
  payment_intent?: string | undefined;
  created?: Filter[] | undefined;
}

/** One page of the caller's sessions, newest first. */
export async function listCheckoutSessions(ctx: OpContext, filters: SessionFilters, page: PageRequest): Promise<Page<CheckoutSession>> {
  const where: Filter[] = [...(filters.created ?? [])];
  if (filters.status !== undefined) where.push({ column: 'status', op: '=', value: filters.status });
  if (filters.customer !== undefined) where.push({ column: 'customer', op: '=', value: filters.customer });
  if (filters.payment_intent !== undefined) where.push({ column: 'payment_intent', op: '=', value: filters.payment_intent });
  return listObjects<CheckoutSession>(ctx.db, CHECKOUT_SESSIONS_TABLE, ctx.actor.scope, where, page);
}
