import { z } from 'zod';
import { retrieveEvent } from '../../../domain/events/present-event.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { applyExpand } from '../../../http/expand.js';
import { expandParam, zText } from '../../../http/params.js';
import { eventSchema } from './schema.js';

export const retrieveEventEndpoint = defineEndpoint({
  method: 'GET',
  paths: ['/v1/events/:id'],
  summary: 'Retrieve an event',
  tags: ['Events'],
  params: z.strictObject({ id: zText(255) }),
  query: z.strictObject(expandParam),
  response: eventSchema,
  handler: async ({ deps, actor, db, params, query }) => {
    await applyExpand([], query.expand, {});
    return retrieveEvent({ deps, actor, db }, params.id);
  },
});
