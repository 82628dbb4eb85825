import { insertObject, modeValue } from '../../db/objects.js';
import { newId } from '../../lib/ids.js';
import type { OpContext } from '../context.js';

export interface EventObject {
  id: string;
  object: 'event';
  type: string;
  api_version: string;
  created: number;
  livemode: boolean;
  merchant_id: string;
  pending_webhooks: number;
  data: { object: object };
}

/**
 * Records an event for a state change, in the caller's transaction, with its outbox row: the change, its event and
 * the promise to deliver it commit together or not at all. `data.object` is kept in the latest shape and rendered in
 * the event's `api_version` when read or delivered.
 */
export async function recordEvent(
  ctx: OpContext,
  type: string,
  object: { id: string },
  links: { paymentIntent?: string | null } = {},
): Promise<EventObject> {
  const { actor } = ctx;
  const event: EventObject = {
    id: newId('evt'),
    object: 'event',
    type,
    api_version: actor.merchant.default_api_version,
    created: actor.now,
    livemode: actor.scope.livemode,
    merchant_id: actor.merchant.id,
    pending_webhooks: 0,
    data: { object },
  };
  await insertObject(ctx.db, 'events', actor.scope, event, {
    type,
    api_version: event.api_version,
    object_id: object.id,
    payment_intent: links.paymentIntent ?? null,
    pending_webhooks: 0,
  });
  await ctx.db
    .insertInto('event_outbox')
    .values({
      merchant_id: actor.merchant.id,
      livemode: modeValue(actor.scope),
      event_id: event.id,
      created: actor.now,
      dispatched_at: null,
    })
    .execute();
  return event;
}
