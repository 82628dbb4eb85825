import { modeValue } from '../../db/objects.js';
import type { Db } from '../../db/store.js';
import { randomBase62 } from '../../lib/ids.js';
import { sha256Hex } from '../../lib/secrets.js';
import type { OpContext } from '../context.js';

export type ChallengeIntentType = 'payment_intent' | 'setup_intent';

/** 40 base62 characters: about 238 bits, unguessable. */
const TOKEN_CHARS = 40;
export const AUTHENTICATION_PATH = '/authenticate';

/**
 * Opens an authentication challenge (the test processor's 3-D Secure page) for an intent and returns the page URL.
 * The URL is the only credential: the page takes no API key. Only the token's hash is stored; a challenge stays
 * valid while its URL is the intent's current `next_action` (a new confirmation replaces it).
 */
export async function openChallenge(ctx: OpContext, intentType: ChallengeIntentType, intentId: string): Promise<string> {
  const token = randomBase62(TOKEN_CHARS);
  await ctx.db
    .insertInto('authentication_challenges')
    .values({
      token_hash: sha256Hex(token),
      merchant_id: ctx.actor.scope.merchantId,
      livemode: modeValue(ctx.actor.scope),
      intent_type: intentType,
      intent_id: intentId,
      created: ctx.actor.now,
    })
    .execute();
  return `${ctx.deps.config.publicUrl}${AUTHENTICATION_PATH}/${token}`;
}

export interface Challenge {
  merchantId: string;
  livemode: boolean;
  intentType: ChallengeIntentType;
  intentId: string;
}

export async function findChallenge(db: Db, token: string): Promise<Challenge | undefined> {
  if (!/^[A-Za-z0-9]{1,100}$/.test(token)) return undefined;
  const row = (await db
    .selectFrom('authentication_challenges')
    .select(['merchant_id', 'livemode', 'intent_type', 'intent_id'])
    .where('token_hash', '=', sha256Hex(token))
    .executeTakeFirst()) as { merchant_id: string; livemode: number; intent_type: ChallengeIntentType; intent_id: string } | undefined;
  if (!row) return undefined;
  return { merchantId: row.merchant_id, livemode: row.livemode === 1, intentType: row.intent_type, intentId: row.intent_id };
}

/** True when `url` (an intent's next_action URL) is this token's page. */
export function challengeUrlMatches(url: string | undefined, token: string): boolean {
  return url !== undefined && url.endsWith(`${AUTHENTICATION_PATH}/${token}`);
}
