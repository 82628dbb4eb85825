import { modeValue, scopeKey, type Scope } from '../../db/objects.js';
import type { Db } from '../../db/store.js';
import { randomBase62 } from '../../lib/ids.js';
import type { Metadata } from '../../lib/metadata.js';
import { subscribesTo } from '../events/event-types.js';

export const WEBHOOK_ENDPOINTS_TABLE = 'webhook_endpoints';

/** Endpoints one merchant may have per mode: each event fans out to all of them, so the number is bounded. */
export const MAX_ENDPOINTS_PER_MODE = 50;

/** The longest overlap a rotation may keep the previous secret signing beside the new one. */
export const MAX_ROTATION_OVERLAP_HOURS = 24;

export type EndpointStatus = 'enabled' | 'disabled';

/** The webhook endpoint object. `secret` is the full `whsec_…` value only in create and rotate responses. */
export interface WebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  api_version: string | null;
  created: number;
  description: string | null;
  enabled_events: string[];
  livemode: boolean;
  merchant_id: string;
  metadata: Metadata;
  secret: string;
  status: EndpointStatus;
  url: string;
}

export interface EndpointRow {
  merchant_id: string;
  livemode: number;
  id: string;
  created: number;
  data: string;
  status: EndpointStatus;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: number | null;
}

export function newWebhookSecret(): string {
  return `whsec_${randomBase62(32)}`;
}

/** What retrieve and list show instead of the secret: its prefix and last four characters. */
export function maskSecret(secret: string): string {
  return `whsec_****${secret.slice(-4)}`;
}

export async function findEndpointRow(
  db: Db,
  scope: Scope,
  id: string,
  options: { forUpdate?: boolean; engine?: string } = {},
): Promise<EndpointRow | undefined> {
  let q = db
    .selectFrom(WEBHOOK_ENDPOINTS_TABLE)
    .selectAll()
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', modeValue(scope))
    .where('id', '=', id);
  if (options.forUpdate && options.engine === 'postgres') q = q.forUpdate();
  return (await q.executeTakeFirst()) as EndpointRow | undefined;
}

/** The enabled endpoints of a merchant and mode that want events of `type`. */
export async function subscribedEndpoints(db: Db, scope: Scope, type: string): Promise<WebhookEndpoint[]> {
  const rows = (await db
    .selectFrom(WEBHOOK_ENDPOINTS_TABLE)
    .select('data')
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', modeValue(scope))
    .where('status', '=', 'enabled')
    .execute()) as { data: string }[];
  return rows.map((r) => JSON.parse(r.data) as WebhookEndpoint).filter((e) => subscribesTo(e.enabled_events, type));
}

const SUBSCRIPTIONS_CACHE_TTL_MS = 2_000;
const subscriptionsCache = new Map<string, { events: string[][]; until: number }>();

/** Drops this process's cached subscriptions of a scope (after an endpoint is created, changed or deleted). */
export function forgetSubscriptions(scope: Scope): void {
  subscriptionsCache.delete(scopeKey(scope));
}

/**
 * How many enabled endpoints of the scope subscribe to `type` — the `pending_webhooks` an event starts with. The
 * enabled endpoints' subscriptions are cached per scope for 2 s so that writes do not pay a query for it; this
 * process forgets them at once when it changes an endpoint, other nodes within 2 s. The webhook worker recounts
 * when it fans an event out, so a stale start value is corrected within moments.
 */
export async function countSubscribedEndpoints(db: Db, scope: Scope, type: string, nowMs: number): Promise<number> {
  const key = scopeKey(scope);
  let entry = subscriptionsCache.get(key);
  if (!entry || entry.until < nowMs) {
    const rows = (await db
      .selectFrom(WEBHOOK_ENDPOINTS_TABLE)
      .select('data')
      .where('merchant_id', '=', scope.merchantId)
      .where('livemode', '=', modeValue(scope))
      .where('status', '=', 'enabled')
      .execute()) as { data: string }[];
    entry = { events: rows.map((r) => (JSON.parse(r.data) as WebhookEndpoint).enabled_events), until: nowMs + SUBSCRIPTIONS_CACHE_TTL_MS };
    if (subscriptionsCache.size > 10_000) subscriptionsCache.clear();
    subscriptionsCache.set(key, entry);
  }
  return entry.events.filter((events) => subscribesTo(events, type)).length;
}
