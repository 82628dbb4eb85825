import { AppError } from '../../lib/errors.js';
import type { Page, PageRequest } from '../../db/objects.js';

/**
 * A page of a session's (or a checkout link's) line items, in the order they were given (at most 100, kept with
 * their owner). Cursors are ids of these items; any other id is a 400 naming the cursor.
 */
export function pageLineItems<T extends { id: string }>(items: T[], page: PageRequest, owner = 'session'): Page<T> {
  const cursor = page.startingAfter ?? page.endingBefore;
  if (cursor === undefined) return { data: items.slice(0, page.limit), hasMore: items.length > page.limit };
  const param = page.startingAfter !== undefined ? 'starting_after' : 'ending_before';
  const at = items.findIndex((i) => i.id === cursor);
  if (at < 0) throw new AppError('parameter_invalid', `Invalid ${param}: no line item '${cursor}' in this ${owner}.`, { param });
  if (page.startingAfter !== undefined) {
    const rest = items.slice(at + 1);
    return { data: rest.slice(0, page.limit), hasMore: rest.length > page.limit };
  }
  const before = items.slice(0, at);
  return { data: before.slice(Math.max(0, before.length - page.limit)), hasMore: before.length > page.limit };
}
