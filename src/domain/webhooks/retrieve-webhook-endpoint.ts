import { notFound } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { findEndpointRow, type EndpointRow, type WebhookEndpoint } from './endpoint.js';

/** The endpoint (secret masked), or 404 for an id that is not the caller's in this mode. */
export async function retrieveWebhookEndpoint(ctx: OpContext, id: string, options: { forUpdate?: boolean } = {}): Promise<WebhookEndpoint> {
  return JSON.parse((await retrieveEndpointRow(ctx, id, options)).data) as WebhookEndpoint;
}

export async function retrieveEndpointRow(ctx: OpContext, id: string, options: { forUpdate?: boolean } = {}): Promise<EndpointRow> {
  const row = await findEndpointRow(ctx.db, ctx.actor.scope, id, { forUpdate: options.forUpdate ?? false, engine: ctx.deps.store.engine });
  if (!row) throw notFound('webhook endpoint', id);
  return row;
}
