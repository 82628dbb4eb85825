import { modeValue } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { initialMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { secretBox } from './secrets-key.js';
import { maskSecret, MAX_ENDPOINTS_PER_MODE, newWebhookSecret, WEBHOOK_ENDPOINTS_TABLE, type WebhookEndpoint } from './endpoint.js';
import { forgetSubscriptions } from './endpoint.js';
import { ensureTargetAllowed } from './target.js';

export interface CreateWebhookEndpointInput {
  url: string;
  enabled_events: string[];
  description?: string | null | undefined;
  metadata?: Metadata | '' | undefined;
  api_version?: string | undefined;
}

/**
 * Creates an endpoint with a new signing secret. The secret is sealed at rest (it must stay usable for signing)
 * and returned in full only here; the stored object and the event carry the masked form.
 */
export async function createWebhookEndpoint(ctx: OpContext, input: CreateWebhookEndpointInput): Promise<WebhookEndpoint> {
  const { scope } = ctx.actor;
  await ensureTargetAllowed(ctx.deps, input.url, scope.livemode);
  const count = (await ctx.db
    .selectFrom(WEBHOOK_ENDPOINTS_TABLE)
    .select((eb) => eb.fn.countAll().as('n'))
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', modeValue(scope))
    .executeTakeFirst()) as { n: number | string } | undefined;
  if (Number(count?.n ?? 0) >= MAX_ENDPOINTS_PER_MODE) {
    throw new AppError(
      'resource_limit_reached',
      `This account already has ${MAX_ENDPOINTS_PER_MODE} webhook endpoints in this mode; delete one before creating another.`,
    );
  }
  const secret = newWebhookSecret();
  const endpoint: WebhookEndpoint = {
    id: newId('we'),
    object: 'webhook_endpoint',
    api_version: input.api_version ?? null,
    created: ctx.actor.now,
    description: input.description ?? null,
    enabled_events: [...new Set(input.enabled_events)],
    livemode: scope.livemode,
    merchant_id: scope.merchantId,
    metadata: initialMetadata(input.metadata),
    secret: maskSecret(secret),
    status: 'enabled',
    url: input.url,
  };
  forgetSubscriptions(ctx.actor.scope);
  await ctx.db
    .insertInto(WEBHOOK_ENDPOINTS_TABLE)
    .values({
      merchant_id: scope.merchantId,
      livemode: modeValue(scope),
      id: endpoint.id,
      created: endpoint.created,
      data: JSON.stringify(endpoint),
      status: endpoint.status,
      secret_sealed: secretBox(ctx.deps.config).seal(secret),
      previous_secret_sealed: null,
      previous_secret_expires_at: null,
    })
    .execute();
  await recordEvent(ctx, 'webhook_endpoint.created', endpoint);
  return { ...endpoint, secret };
}
