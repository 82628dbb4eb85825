import { modeValue } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { maskSecret, newWebhookSecret, WEBHOOK_ENDPOINTS_TABLE, type WebhookEndpoint } from './endpoint.js';
import { retrieveEndpointRow } from './retrieve-webhook-endpoint.js';
import { secretBox } from './secrets-key.js';

/**
 * Replaces the signing secret; the new one is returned in full, once. With `expiresInHours` (≤ 24) the previous
 * secret keeps signing beside the new one until then — each delivery carries two `v1=` signatures — so receivers
 * can switch without dropping events. Without it the previous secret stops at once.
 */
export async function rotateWebhookSecret(
  ctx: OpContext,
  id: string,
  expiresInHours: number | undefined,
): Promise<WebhookEndpoint & { previous_secret_expires_at: number | null }> {
  const { scope } = ctx.actor;
  const row = await retrieveEndpointRow(ctx, id, { forUpdate: true });
  const secret = newWebhookSecret();
  const endpoint: WebhookEndpoint = { ...(JSON.parse(row.data) as WebhookEndpoint), secret: maskSecret(secret) };
  const overlap = expiresInHours !== undefined && expiresInHours > 0;
  const previousExpiresAt = overlap ? ctx.actor.now + expiresInHours * 3600 : null;
  await ctx.db
    .updateTable(WEBHOOK_ENDPOINTS_TABLE)
    .set({
      data: JSON.stringify(endpoint),
      secret_sealed: secretBox(ctx.deps.config).seal(secret),
      previous_secret_sealed: overlap ? row.secret_sealed : null,
      previous_secret_expires_at: previousExpiresAt,
    })
    .where('merchant_id', '=', scope.merchantId)
    .where('livemode', '=', modeValue(scope))
    .where('id', '=', id)
    .execute();
  await recordEvent(ctx, 'webhook_endpoint.updated', endpoint);
  return { ...endpoint, secret, previous_secret_expires_at: previousExpiresAt };
}
