import { modeValue } from '../../db/objects.js';
import { notFound } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import type { ApiKeyRow } from './api-key.js';

/** The caller's key row in this mode, or 404. */
export async function retrieveApiKeyRow(ctx: OpContext, id: string, options: { forUpdate?: boolean } = {}): Promise<ApiKeyRow> {
  let q = ctx.db
    .selectFrom('api_keys')
    .selectAll()
    .where('merchant_id', '=', ctx.actor.scope.merchantId)
    .where('livemode', '=', modeValue(ctx.actor.scope))
    .where('id', '=', id);
  if (options.forUpdate && ctx.deps.store.engine === 'postgres') q = q.forUpdate();
  const row = (await q.executeTakeFirst()) as ApiKeyRow | undefined;
  if (!row) throw notFound('API key', id);
  return row;
}
