import { mergeMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { loadRefund, saveRefund, type Refund } from './refund.js';
import { isUnchanged } from '../../lib/unchanged.js';

/** Only metadata can change on a refund (event `refund.updated` when it changed; a no-op writes nothing). */
export async function updateRefund(ctx: OpContext, id: string, input: { metadata?: Metadata | '' | undefined }): Promise<Refund> {
  const current = await loadRefund(ctx, id, { forUpdate: true });
  const next: Refund = { ...current, metadata: mergeMetadata(current.metadata, input.metadata) };
  if (isUnchanged(next, current)) return current;
  await saveRefund(ctx, next);
  await recordEvent(ctx, 'refund.updated', next, { paymentIntent: next.payment_intent });
  return next;
}
