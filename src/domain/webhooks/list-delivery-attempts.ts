import { listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { retrieveWebhookEndpoint } from './retrieve-webhook-endpoint.js';

export const ATTEMPTS_TABLE = 'webhook_attempts';

/** One HTTP attempt to deliver an event to an endpoint, as the API shows it. */
export interface DeliveryAttempt {
  id: string;
  object: 'webhook_endpoint_delivery_attempt';
  webhook_endpoint: string;
  event_id: string;
  event_type: string;
  test_event: boolean;
  /** 1-based number of this attempt for its delivery. */
  attempt: number;
  status: 'succeeded' | 'failed';
  response_status: number | null;
  /** http_error (any non-2xx, redirects included) | timeout | connection_failed | destination_rejected, or null. */
  failure_code: string | null;
  failure_reason: string | null;
  latency_ms: number;
  /** The first bytes of the response body, control characters as spaces, secrets redacted. */
  response_excerpt: string | null;
  /** When the next attempt is due (merchant clock), null when none will follow. */
  next_attempt_at: number | null;
  created: number;
  livemode: boolean;
}

/** The endpoint's attempts, newest first; filter by event. 404 for an endpoint that is not the caller's. */
export async function listDeliveryAttempts(
  ctx: OpContext,
  endpointId: string,
  filters: { eventId?: string | undefined; created?: Filter[] },
  page: PageRequest,
): Promise<Page<DeliveryAttempt>> {
  await retrieveWebhookEndpoint(ctx, endpointId);
  const where: Filter[] = [{ column: 'endpoint_id', op: '=', value: endpointId }, ...(filters.created ?? [])];
  if (filters.eventId !== undefined) where.push({ column: 'event_id', op: '=', value: filters.eventId });
  return listObjects<DeliveryAttempt>(ctx.db, ATTEMPTS_TABLE, ctx.actor.scope, where, page);
}
