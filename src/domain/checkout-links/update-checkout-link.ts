import { AppError } from '../../lib/errors.js';
import { mergeMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { limitReached, loadLinkRow, saveLink, type CheckoutLink } from './checkout-link.js';
import { buildAfterCompletion, type AfterCompletionInput } from './create-checkout-link.js';
import { isUnchanged } from '../../lib/unchanged.js';

export interface UpdateCheckoutLinkInput {
  active?: boolean | undefined;
  metadata?: Metadata | '' | undefined;
  after_completion?: AfterCompletionInput | undefined;
  billing_address_collection?: 'auto' | 'required' | undefined;
  inactive_message?: string | null | undefined;
  payment_method_types?: string[] | undefined;
  /** null removes the restriction. */
  restrictions?: { completed_sessions: { limit: number } } | null | undefined;
  submit_type?: CheckoutLink['submit_type'] | undefined;
}

/**
 * Updates a link (line items, title and currency are fixed). Lowering the completion limit to or below the
 * sessions already completed deactivates the link; reactivating a link whose limit is reached is refused (400
 * naming `active`) unless the same update raises or removes the limit. Event `checkout_link.updated` when anything
 * changed. The row is locked, so an update and a completion never interleave.
 */
export async function updateCheckoutLink(ctx: OpContext, id: string, input: UpdateCheckoutLinkInput): Promise<CheckoutLink> {
  const { link: current, completedSessions } = await loadLinkRow(ctx, id, { forUpdate: true });
  const next: CheckoutLink = { ...current, metadata: mergeMetadata(current.metadata, input.metadata) };
  if (input.after_completion !== undefined) next.after_completion = buildAfterCompletion(input.after_completion);
  if (input.billing_address_collection !== undefined) next.billing_address_collection = input.billing_address_collection;
  if (input.inactive_message !== undefined) next.inactive_message = input.inactive_message || null;
  if (input.payment_method_types !== undefined) next.payment_method_types = input.payment_method_types;
  if (input.submit_type !== undefined) next.submit_type = input.submit_type;
  if (input.restrictions !== undefined) {
    next.restrictions = input.restrictions === null ? null : { completed_sessions: { limit: input.restrictions.completed_sessions.limit } };
  }
  if (input.active !== undefined) next.active = input.active;
  if (next.active && limitReached(next, completedSessions)) {
    if (input.active === true) {
      throw new AppError(
        'parameter_invalid',
        `This link has reached its limit of ${next.restrictions?.completed_sessions.limit ?? 0} completed sessions; raise or remove restrictions[completed_sessions][limit] to reactivate it.`,
        { param: 'active' },
      );
    }
    next.active = false;
  }
  if (isUnchanged(next, current)) return current;
  await saveLink(ctx, next);
  await recordEvent(ctx, 'checkout_link.updated', next);
  return next;
}
