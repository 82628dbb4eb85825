import { updateObject } from '../../db/objects.js';
import { mergeMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { WEBHOOK_ENDPOINTS_TABLE, type EndpointStatus, type WebhookEndpoint } from './endpoint.js';
import { forgetSubscriptions } from './endpoint.js';
import { retrieveWebhookEndpoint } from './retrieve-webhook-endpoint.js';
import { ensureTargetAllowed } from './target.js';
import { isUnchanged } from '../../lib/unchanged.js';

export interface UpdateWebhookEndpointInput {
  url?: string | undefined;
  enabled_events?: string[] | undefined;
  status?: EndpointStatus | undefined;
  description?: string | null | undefined;
  metadata?: Metadata | '' | undefined;
}

/**
 * Updates the given fields. A new URL is checked like at creation. A disabled endpoint is paused: events that occur
 * while it is disabled are not queued for it, and deliveries already queued wait (their next attempt is made when
 * it is enabled again). Test events are still sent. An update that changes nothing writes nothing and records no
 * event.
 */
export async function updateWebhookEndpoint(ctx: OpContext, id: string, input: UpdateWebhookEndpointInput): Promise<WebhookEndpoint> {
  const current = await retrieveWebhookEndpoint(ctx, id, { forUpdate: true });
  if (input.url !== undefined && input.url !== current.url) await ensureTargetAllowed(ctx.deps, input.url, ctx.actor.scope.livemode);
  const next: WebhookEndpoint = {
    ...current,
    url: input.url ?? current.url,
    enabled_events: input.enabled_events ? [...new Set(input.enabled_events)] : current.enabled_events,
    status: input.status ?? current.status,
    description: input.description === undefined ? current.description : input.description === '' ? null : input.description,
    metadata: mergeMetadata(current.metadata, input.metadata),
  };
  if (isUnchanged(next, current)) return current;
  forgetSubscriptions(ctx.actor.scope);
  await updateObject(ctx.db, WEBHOOK_ENDPOINTS_TABLE, ctx.actor.scope, next, { status: next.status });
  await recordEvent(ctx, 'webhook_endpoint.updated', next);
  return next;
}
