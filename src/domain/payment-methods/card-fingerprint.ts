import { createHmac, randomBytes } from 'node:crypto';
import type { OpContext } from '../context.js';

const FINGERPRINT_LENGTH = 16;

/**
 * The fingerprint of a card number: HMAC-SHA256 under a random per-merchant key kept in the database, so the same
 * card is recognisable across a merchant's payment methods, but fingerprints cannot be matched across merchants or
 * reversed without the key. The key is created on first use, inside the caller's transaction.
 */
export async function cardFingerprint(ctx: OpContext, cardNumber: string): Promise<string> {
  const merchantId = ctx.actor.merchant.id;
  const read = async () =>
    (await ctx.db.selectFrom('card_fingerprint_keys').select('secret').where('merchant_id', '=', merchantId).executeTakeFirst()) as
      | { secret: string }
      | undefined;
  let row = await read();
  if (!row) {
    await ctx.db
      .insertInto('card_fingerprint_keys')
      .values({ merchant_id: merchantId, secret: randomBytes(32).toString('hex'), created: ctx.actor.now })
      .onConflict((oc) => oc.column('merchant_id').doNothing())
      .execute();
    row = await read();
  }
  if (!row) throw new Error('card fingerprint key missing after insert');
  const digest = createHmac('sha256', Buffer.from(row.secret, 'hex')).update(cardNumber, 'utf8').digest('base64url');
  return digest.replace(/[-_]/g, '').slice(0, FINGERPRINT_LENGTH);
}
