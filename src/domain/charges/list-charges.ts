import { listObjects, modeValue, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { CHARGES_TABLE, type Charge } from './charge.js';

export async function listCharges(
  ctx: OpContext,
  filters: { paymentIntent?: string | undefined; customer?: string | undefined; created?: Filter[] },
  page: PageRequest,
): Promise<Page<Charge>> {
  const where: Filter[] = [...(filters.created ?? [])];
  if (filters.paymentIntent !== undefined) where.push({ column: 'payment_intent', op: '=', value: filters.paymentIntent });
  if (filters.customer !== undefined) where.push({ column: 'customer', op: '=', value: filters.customer });
  return listObjects<Charge>(ctx.db, CHARGES_TABLE, ctx.actor.scope, where, page);
}

/** The charges of several intents at once, newest first per intent (one query for a whole list page). */
export async function chargesByIntent(ctx: OpContext, intentIds: string[]): Promise<Map<string, Charge[]>> {
  const out = new Map<string, Charge[]>();
  if (intentIds.length === 0) return out;
  const rows = (await ctx.db
    .selectFrom(CHARGES_TABLE)
    .select(['payment_intent', 'data'])
    .where('merchant_id', '=', ctx.actor.scope.merchantId)
    .where('livemode', '=', modeValue(ctx.actor.scope))
    .where('payment_intent', 'in', intentIds)
    .orderBy('created', 'desc')
    .orderBy('id', 'desc')
    .execute()) as { payment_intent: string; data: string }[];
  for (const row of rows) {
    const list = out.get(row.payment_intent) ?? [];
    list.push(JSON.parse(row.data) as Charge);
    out.set(row.payment_intent, list);
  }
  return out;
}
