import { listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { PAYMENT_INTENTS_TABLE, type PaymentIntent, type StoredPaymentIntent } from './payment-intent.js';
import { presentPaymentIntents } from './payment-intent-store.js';

export async function listPaymentIntents(
  ctx: OpContext,
  filters: { customer?: string | undefined; created?: Filter[] },
  page: PageRequest,
): Promise<Page<PaymentIntent>> {
  const where: Filter[] = [...(filters.created ?? [])];
  if (filters.customer !== undefined) where.push({ column: 'customer', op: '=', value: filters.customer });
  const result = await listObjects<StoredPaymentIntent>(ctx.db, PAYMENT_INTENTS_TABLE, ctx.actor.scope, where, page);
  return { ...result, data: await presentPaymentIntents(ctx, result.data) };
}
