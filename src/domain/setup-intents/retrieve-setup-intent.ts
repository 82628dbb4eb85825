import type { OpContext } from '../context.js';
import { loadSetupIntent, type SetupIntent } from './setup-intent.js';

export async function retrieveSetupIntent(ctx: OpContext, id: string): Promise<SetupIntent> {
  return loadSetupIntent(ctx, id);
}
