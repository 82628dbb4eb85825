import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { issueKey, type ApiKeyRow } from './api-key.js';
import { isActive, presentApiKey, type ApiKeyObject } from './present-api-key.js';
import { retrieveApiKeyRow } from './retrieve-api-key.js';
import { setKeyTimes } from './revoke-api-key.js';

export const MAX_ROLL_GRACE_HOURS = 24;

/**
 * Replaces a key with a new one of the same type, name and mode, returned with its full `secret` this once. The
 * old key stops working at once, or — with `expiresInHours` (1–24) — keeps working until then (`expires_at`).
 */
export async function rollApiKey(ctx: OpContext, id: string, expiresInHours: number | undefined): Promise<ApiKeyObject> {
  const row = await retrieveApiKeyRow(ctx, id, { forUpdate: true });
  const now = ctx.actor.now;
  if (!isActive(row, now)) {
    throw new AppError('api_key_revoked', `The API key ${id} is revoked or expired; only an active key can be rolled.`, { param: 'id' });
  }
  const { scope } = ctx.actor;
  const issued = await issueKey(ctx.db, scope.merchantId, row.type, scope.livemode, row.name, now);
  const old: ApiKeyRow =
    expiresInHours !== undefined && expiresInHours > 0
      ? { ...row, expires_at: Math.min(row.expires_at ?? Number.MAX_SAFE_INTEGER, now + expiresInHours * 3600) }
      : { ...row, revoked_at: now };
  await setKeyTimes(ctx, old);
  await recordEvent(ctx, 'api_key.created', presentApiKey(issued.row));
  await recordEvent(ctx, 'api_key.rolled', presentApiKey(old));
  return presentApiKey(issued.row, issued.secret);
}
