import { modeValue, updateObject } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import type { Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';

export const REFUNDS_TABLE = 'refunds';

export interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  charge: string;
  created: number;
  currency: string;
  /** Why the processor refused the refund (`status: failed`), else null. */
  failure_reason: string | null;
  livemode: boolean;
  metadata: Metadata;
  payment_intent: string;
  reason: string | null;
  status: 'succeeded' | 'pending' | 'failed';
}

export async function loadRefund(ctx: OpContext, id: string, options: { forUpdate?: boolean } = {}): Promise<Refund> {
  let q = ctx.db
    .selectFrom(REFUNDS_TABLE)
    .select('data')
    .where('merchant_id', '=', ctx.actor.scope.merchantId)
    .where('livemode', '=', modeValue(ctx.actor.scope))
    .where('id', '=', id);
  if (options.forUpdate && ctx.deps.store.engine === 'postgres') q = q.forUpdate();
  const row = (await q.executeTakeFirst()) as { data: string } | undefined;
  if (!row) throw new AppError('resource_missing', `No such refund: '${id}'`, { param: 'id' });
  return JSON.parse(row.data) as Refund;
}

export async function saveRefund(ctx: OpContext, refund: Refund): Promise<void> {
  await updateObject(ctx.db, REFUNDS_TABLE, ctx.actor.scope, refund, { status: refund.status });
}
