import { z } from 'zod';
import type { Filter, Page } from '../db/objects.js';
import { AppError } from '../lib/errors.js';

export interface ListEnvelope<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
  next_cursor: string | null;
}

export function listEnvelope<T extends { id: string }>(page: Page<T>, url: string): ListEnvelope<T> {
  const last = page.data[page.data.length - 1];
  return { object: 'list', data: page.data, has_more: page.hasMore, url, next_cursor: page.hasMore && last ? last.id : null };
}

/** The page request from list parameters (decisions.md §7). */
export function pageRequest(q: { limit?: number | undefined; starting_after?: string | undefined; ending_before?: string | undefined }) {
  if (q.starting_after !== undefined && q.ending_before !== undefined) {
    throw new AppError('parameter_invalid', 'starting_after and ending_before cannot be used together.', {
      param: 'ending_before',
    });
  }
  return { limit: q.limit ?? 10, startingAfter: q.starting_after, endingBefore: q.ending_before };
}

/** Turns a `created` filter (exact or gt/gte/lt/lte) into column filters. */
export function createdFilters(created: number | { gt?: number | undefined; gte?: number | undefined; lt?: number | undefined; lte?: number | undefined } | undefined): Filter[] {
  if (created === undefined) return [];
  if (typeof created === 'number') return [{ column: 'created', op: '=', value: created }];
  const out: Filter[] = [];
  if (created.gt !== undefined) out.push({ column: 'created', op: '>', value: created.gt });
  if (created.gte !== undefined) out.push({ column: 'created', op: '>=', value: created.gte });
  if (created.lt !== undefined) out.push({ column: 'created', op: '<', value: created.lt });
  if (created.lte !== undefined) out.push({ column: 'created', op: '<=', value: created.lte });
  return out;
}

/** The response schema of a list of T. */
export function listSchema(item: z.ZodType) {
  return z.object({
    object: z.literal('list'),
    data: z.array(item),
    has_more: z.boolean(),
    url: z.string(),
    next_cursor: z.string().nullable(),
  });
}
