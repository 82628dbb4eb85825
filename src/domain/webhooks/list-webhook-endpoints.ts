import { listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { WEBHOOK_ENDPOINTS_TABLE, type WebhookEndpoint } from './endpoint.js';

export function listWebhookEndpoints(ctx: OpContext, filters: { created?: Filter[] }, page: PageRequest): Promise<Page<WebhookEndpoint>> {
  return listObjects<WebhookEndpoint>(ctx.db, WEBHOOK_ENDPOINTS_TABLE, ctx.actor.scope, filters.created ?? [], page);
}
