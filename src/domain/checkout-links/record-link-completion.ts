import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { limitReached, loadLinkRow, saveLink } from './checkout-link.js';

/**
 * Checks, under the link's row lock, that one more session of the link may complete: refused (400
 * `resource_limit_reached`) once `restrictions.completed_sessions.limit` sessions have completed. The lock is held
 * until the completing transaction ends, so concurrent buyers of the last unit queue here and exactly `limit` win.
 */
export async function reserveLinkCompletion(ctx: OpContext, linkId: string): Promise<void> {
  const { link, completedSessions } = await loadLinkRow(ctx, linkId, { forUpdate: true });
  if (limitReached(link, completedSessions)) {
    throw new AppError(
      'resource_limit_reached',
      `This checkout link has reached its limit of ${link.restrictions?.completed_sessions.limit ?? 0} completed purchases and no longer accepts payments.`,
    );
  }
}

/**
 * Counts a completed session of the link (in the completing transaction, under the row lock). When the count
 * reaches the limit the link is deactivated (event `checkout_link.updated`).
 */
export async function recordLinkCompletion(ctx: OpContext, linkId: string): Promise<void> {
  const { link, completedSessions } = await loadLinkRow(ctx, linkId, { forUpdate: true });
  const count = completedSessions + 1;
  if (link.active && limitReached(link, count)) {
    const next = { ...link, active: false };
    await saveLink(ctx, next, count);
    await recordEvent(ctx, 'checkout_link.updated', next);
    return;
  }
  await saveLink(ctx, link, count);
}
