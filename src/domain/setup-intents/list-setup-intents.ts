import { listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { SETUP_INTENTS_TABLE, withCurrency, type SetupIntent } from './setup-intent.js';

export async function listSetupIntents(
  ctx: OpContext,
  filters: { customer?: string | undefined; created?: Filter[] },
  page: PageRequest,
): Promise<Page<SetupIntent>> {
  const where: Filter[] = [...(filters.created ?? [])];
  if (filters.customer !== undefined) where.push({ column: 'customer', op: '=', value: filters.customer });
  const found = await listObjects<SetupIntent>(ctx.db, SETUP_INTENTS_TABLE, ctx.actor.scope, where, page);
  return { ...found, data: found.data.map(withCurrency) };
}
