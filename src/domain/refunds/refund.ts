import { findObject, updateObject } from '../../db/objects.js';
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
  const found = await findObject<Refund>(ctx.db, REFUNDS_TABLE, ctx.actor.scope, id, { forUpdate: options.forUpdate ?? false });
  if (!found) throw new AppError('resource_missing', `No such refund: '${id}'`, { param: 'id' });
  return found;
}

export async function saveRefund(ctx: OpContext, refund: Refund): Promise<void> {
  await updateObject(ctx.db, REFUNDS_TABLE, ctx.actor.scope, refund, { status: refund.status });
}
