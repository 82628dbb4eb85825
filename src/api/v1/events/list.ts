import { z } from 'zod';
import { eventTypesOfObject } from '../../../domain/events/event-types.js';
import { listEvents } from '../../../domain/events/present-event.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { createdFilters, listEnvelope, listSchema, pageRequest } from '../../../http/list.js';
import { listParams, zCreatedFilter, zId, zText } from '../../../http/params.js';
import { AppError } from '../../../lib/errors.js';
import { eventSchema } from './schema.js';

const zType = zText(100, { min: 1 }).regex(/^[a-z_.]+$/, { error: 'is not an event type' });

export const listEventsQuery = z.strictObject({
  ...listParams,
  type: zType.optional(),
  types: z.array(zType).min(1).max(20).optional(),
  created: zCreatedFilter().optional(),
  payment_intent: zId('pi').optional(),
  /** [B] The kind of `data.object` (`payment_intent`, `charge`, `checkout.session`, …). */
  object: zType.refine((o) => eventTypesOfObject(o).length > 0, { error: 'is not a kind of object that events carry' }).optional(),
});

export const listEventsEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/events'],
  summary: 'List events, newest first (filters: type, types[], object, created, payment_intent)',
  tags: ['Events'],
  query: listEventsQuery,
  response: listSchema(eventSchema),
  handler: async ({ deps, actor, db, query, path }) => {
    await applyExpand([], query.expand, {}, { list: true });
    if (query.type !== undefined && query.types !== undefined) {
      throw new AppError('parameter_invalid', 'Filter with either type or types[], not both.', { param: 'types' });
    }
    let types = query.types ?? (query.type !== undefined ? [query.type] : undefined);
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
