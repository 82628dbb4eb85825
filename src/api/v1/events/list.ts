import { z } from 'zod';
import { eventTypesOfObject, KNOWN_EVENT_TYPES } from '../../../domain/events/event-types.js';
import { listEvents } from '../../../domain/events/present-event.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zCreatedFilter, zId, zText } from '../../../http/params.js';
import { AppError } from '../../../lib/errors.js';
import { eventSchema } from './schema.js';

const zType = zText(100, { min: 1 }).regex(/^[a-z_.]+$/, { error: 'is not an event type' });
/** An event type, or a group of them with `*` as a wildcard (`payment_intent.*`). */
const zTypePattern = zText(100, { min: 1 }).regex(/^[a-z_.*]+$/, { error: 'is not an event type (use * as a wildcard)' });

/** The known types a pattern names: itself when it has no wildcard, else every known type it matches. */
function typesOfPattern(pattern: string): string[] {
  if (!pattern.includes('*')) return [pattern];
  const re = new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
  return KNOWN_EVENT_TYPES.filter((t) => re.test(t));
}

export const listEventsQuery = z.strictObject({
  ...listParams,
  type: zTypePattern.optional(),
  types: z.array(zTypePattern).min(1).max(20).optional(),
  created: zCreatedFilter().optional(),
  payment_intent: zId('pi').optional(),
  /** [B] The kind of `data.object` (`payment_intent`, `charge`, `checkout.session`, …). */
  object: zType.refine((o) => eventTypesOfObject(o).length > 0, { error: 'is not a kind of object that events carry' }).optional(),
});

export const listEventsEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/events'],
  summary: 'List events, newest first (filters: type and types[] with * as a wildcard, object, created, payment_intent)',
  tags: ['Events'],
  query: listEventsQuery,
  response: listSchema(eventSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    if (query.type !== undefined && query.types !== undefined) {
      throw new AppError('parameter_invalid', 'Filter with either type or types[], not both.', { param: 'types' });
    }
    const patterns = query.types ?? (query.type !== undefined ? [query.type] : undefined);
    let types = patterns?.includes('*') ? undefined : patterns && [...new Set(patterns.flatMap(typesOfPattern))];
    if (query.object !== undefined) {
      const ofObject = eventTypesOfObject(query.object);
      types = types === undefined ? ofObject : types.filter((t) => ofObject.includes(t));
    }
    const page = await listEvents(
      { deps, actor, db },
      { types, paymentIntent: query.payment_intent, created: createdFilters(query.created) },
      pageRequest(query),
    );
    return listEnvelope(page, path);
  },
});
