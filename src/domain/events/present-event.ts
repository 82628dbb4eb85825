import { sql, type SqlBool } from 'kysely';
import { findObject, listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import { renderForVersion } from '../../lib/api-versions.js';
import { notFound } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import type { EventObject } from './record-event.js';

export const EVENTS_TABLE = 'events';

/** An event as read: `data.object` rendered in the event's own `api_version`. */
export function presentEvent(e: EventObject): EventObject {
  return { ...e, data: { object: renderForVersion(e.data.object, e.api_version) } };
}

export async function retrieveEvent(ctx: OpContext, id: string): Promise<EventObject> {
  const found = await findObject<EventObject>(ctx.db, EVENTS_TABLE, ctx.actor.scope, id);
  if (!found) throw notFound('event', id);
  return presentEvent(found);
}

export interface EventFilters {
  types?: string[] | undefined;
  paymentIntent?: string | undefined;
  created?: Filter[];
}

export async function listEvents(ctx: OpContext, filters: EventFilters, page: PageRequest): Promise<Page<EventObject>> {
  const where: Filter[] = [...(filters.created ?? [])];
  // No type can match (an `object` filter whose types the `type` filter excludes): an empty page, but a cursor is
  // still checked like any other.
  if (filters.types?.length === 0) where.push({ condition: sql<SqlBool>`1 = 0` });
  else if (filters.types?.length === 1) where.push({ column: 'type', op: '=', value: filters.types[0] ?? '' });
  else if (filters.types && filters.types.length > 1) where.push({ column: 'type', op: 'in', value: filters.types });
  if (filters.paymentIntent !== undefined) where.push({ column: 'payment_intent', op: '=', value: filters.paymentIntent });
  const result = await listObjects<EventObject>(ctx.db, EVENTS_TABLE, ctx.actor.scope, where, page);
  return { ...result, data: result.data.map(presentEvent) };
}
