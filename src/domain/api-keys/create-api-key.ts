import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { issueKey, type KeyType } from './api-key.js';
import { presentApiKey, type ApiKeyObject } from './present-api-key.js';

/** Issues a key in the caller's mode. The full key is in the returned object's `secret`, this once. */
export async function createApiKey(ctx: OpContext, input: { name?: string | null | undefined; type: KeyType }): Promise<ApiKeyObject> {
  const { scope } = ctx.actor;
  const { row, secret } = await issueKey(ctx.db, scope.merchantId, input.type, scope.livemode, input.name ?? null, ctx.actor.now);
  await recordEvent(ctx, 'api_key.created', presentApiKey(row));
  return presentApiKey(row, secret);
}
