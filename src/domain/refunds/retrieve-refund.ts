import type { OpContext } from '../context.js';
import { loadRefund, type Refund } from './refund.js';

export async function retrieveRefund(ctx: OpContext, id: string): Promise<Refund> {
  return loadRefund(ctx, id);
}
