import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { loadSetupIntent, nextSetupStatus, saveSetupIntent, type SetupIntent } from './setup-intent.js';

/** Cancels a SetupIntent that has not succeeded (event `setup_intent.canceled`). */
export async function cancelSetupIntent(ctx: OpContext, id: string, reason: string | null | undefined): Promise<SetupIntent> {
  const si = await loadSetupIntent(ctx, id, { forUpdate: true });
  const next: SetupIntent = {
    ...si,
    status: nextSetupStatus(si.status, 'cancel'),
    cancellation_reason: reason ?? null,
    next_action: null,
  };
  await saveSetupIntent(ctx, next);
  await recordEvent(ctx, 'setup_intent.canceled', next);
  return next;
}
