import { modeValue } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import type { ApiKeyRow } from './api-key.js';
import { isActive, presentApiKey, type ApiKeyObject } from './present-api-key.js';
import { retrieveApiKeyRow } from './retrieve-api-key.js';

/**
 * Revokes a key at once and for good. The last active secret key of a mode cannot be revoked (roll it instead):
 * without one, nobody could call the API for that mode any more.
 */
export async function revokeApiKey(ctx: OpContext, id: string): Promise<ApiKeyObject> {
  const row = await retrieveApiKeyRow(ctx, id, { forUpdate: true });
  const now = ctx.actor.now;
  if (row.revoked_at !== null && row.revoked_at <= now) {
    throw new AppError('api_key_revoked', `The API key ${id} is already revoked.`, { param: 'id' });
  }
  if (row.type === 'secret' && isActive(row, now) && (await otherActiveSecretKeys(ctx, id)) === 0) {
    throw new AppError(
      'resource_in_use',
      'This is the last active secret key of this mode; revoking it would lock the account out. Create or roll a key first.',
      { param: 'id' },
    );
  }
  const revoked: ApiKeyRow = { ...row, revoked_at: now };
  await setKeyTimes(ctx, revoked);
  const object = presentApiKey(revoked);
  await recordEvent(ctx, 'api_key.revoked', object);
  return object;
}

async function otherActiveSecretKeys(ctx: OpContext, exceptId: string): Promise<number> {
  const now = ctx.actor.now;
  const rows = (await ctx.db
    .selectFrom('api_keys')
    .selectAll()
    .where('merchant_id', '=', ctx.actor.scope.merchantId)
    .where('livemode', '=', modeValue(ctx.actor.scope))
    .where('type', '=', 'secret')
    .where('id', '!=', exceptId)
    .execute()) as ApiKeyRow[];
  return rows.filter((r) => isActive(r, now)).length;
}

/** Writes a key's revocation and expiry times. */
export async function setKeyTimes(ctx: OpContext, row: ApiKeyRow): Promise<void> {
  await ctx.db
    .updateTable('api_keys')
    .set({ revoked_at: row.revoked_at, expires_at: row.expires_at })
    .where('merchant_id', '=', row.merchant_id)
    .where('livemode', '=', row.livemode)
    .where('id', '=', row.id)
    .execute();
}
