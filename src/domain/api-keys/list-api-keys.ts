import { modeValue, type Page, type PageRequest } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import type { ApiKeyRow, KeyType } from './api-key.js';
import { presentApiKey, type ApiKeyObject } from './present-api-key.js';

/** The caller's keys in this mode, newest first (keyset pages on created, id); prefixes only, never the key. */
export async function listApiKeys(ctx: OpContext, filters: { type?: KeyType | undefined }, page: PageRequest): Promise<Page<ApiKeyObject>> {
  const { scope } = ctx.actor;
  const base = () => {
    let q = ctx.db.selectFrom('api_keys').where('merchant_id', '=', scope.merchantId).where('livemode', '=', modeValue(scope));
    if (filters.type !== undefined) q = q.where('type', '=', filters.type);
    return q;
  };
  const cursorId = page.startingAfter ?? page.endingBefore;
  const param = page.startingAfter !== undefined ? 'starting_after' : 'ending_before';
  let q = base().selectAll();
  if (cursorId !== undefined) {
    const c: { created: number; id: string } | undefined = await base().select(['created', 'id']).where('id', '=', cursorId).executeTakeFirst();
    if (!c) throw new AppError('parameter_invalid', `Invalid ${param}: no API key '${cursorId}' to page from.`, { param });
    const older = page.startingAfter !== undefined;
    q = q
      .where((eb) =>
        eb.or([eb('created', older ? '<' : '>', c.created), eb.and([eb('created', '=', c.created), eb('id', older ? '<' : '>', c.id)])]),
      )
      .orderBy('created', older ? 'desc' : 'asc')
      .orderBy('id', older ? 'desc' : 'asc');
  } else {
    q = q.orderBy('created', 'desc').orderBy('id', 'desc');
  }
  const rows = (await q.limit(page.limit + 1).execute()) as ApiKeyRow[];
  const kept = rows.slice(0, page.limit);
  if (page.endingBefore !== undefined) kept.reverse();
  return { data: kept.map((r) => presentApiKey(r)), hasMore: rows.length > page.limit };
}
