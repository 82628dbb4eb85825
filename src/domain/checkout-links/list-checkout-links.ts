import { listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { CHECKOUT_LINKS_TABLE, normalizeLink, type CheckoutLink } from './checkout-link.js';

/** One page of the caller's checkout links, newest first, optionally only active or inactive ones. */
export async function listCheckoutLinks(ctx: OpContext, filters: { active?: boolean | undefined; created?: Filter[] | undefined }, page: PageRequest): Promise<Page<CheckoutLink>> {
  const where: Filter[] = [...(filters.created ?? [])];
  if (filters.active !== undefined) where.push({ column: 'active', op: '=', value: filters.active ? 1 : 0 });
  const found = await listObjects<CheckoutLink>(ctx.db, CHECKOUT_LINKS_TABLE, ctx.actor.scope, where, page);
  return { ...found, data: found.data.map(normalizeLink) };
}
