import { modeValue } from '../../db/objects.js';
import { insertStatement, write } from '../../db/statements.js';
import { newId } from '../../lib/ids.js';
import type { OpContext } from '../context.js';
import { countSubscribedEndpoints } from '../webhooks/endpoint.js';

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
  // Counted in the event's transaction so the event reads true at once; the webhook worker fixes the number when
  // it fans the event out (an endpoint may have changed in between).
  const pendingWebhooks = await countSubscribedEndpoints(ctx.db, actor.scope, type, Date.now());
  const event: EventObject = {
    id: newId('evt'),
    object: 'event',
    type,
    api_version: actor.merchant.default_api_version,
    created: actor.now,
    livemode: actor.scope.livemode,
    merchant_id: actor.merchant.id,
    pending_webhooks: pendingWebhooks,
    data: { object },
  };
  const row = {
    merchant_id: actor.merchant.id,
    livemode: modeValue(actor.scope),
    id: event.id,
    created: event.created,
    data: JSON.stringify(event),
    type,
    api_version: event.api_version,
    object_id: object.id,
    payment_intent: links.paymentIntent ?? null,
    pending_webhooks: pendingWebhooks,
  };
  const outbox = {
    merchant_id: actor.merchant.id,
    livemode: modeValue(actor.scope),
    event_id: event.id,
    created: actor.now,
    dispatched_at: null,
  };
  // Two plain inserts; on PostgreSQL both are deferred writes that travel with the next statement or the COMMIT.
  await write(ctx.db, insertStatement(ctx.db, 'events', row));
  await write(ctx.db, insertStatement(ctx.db, 'event_outbox', outbox));
  return event;
}
