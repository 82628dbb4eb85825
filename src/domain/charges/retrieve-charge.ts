import type { OpContext } from '../context.js';
import { loadCharge, type Charge } from './charge.js';

export async function retrieveCharge(ctx: OpContext, id: string): Promise<Charge> {
  return (await loadCharge(ctx, id)).charge;
}
