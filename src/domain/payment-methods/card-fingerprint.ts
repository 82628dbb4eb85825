import { createHmac, randomBytes } from 'node:crypto';
import { fixedStatement } from '../../db/statements.js';
import type { OpContext } from '../context.js';

const FINGERPRINT_LENGTH = 16;

/**
 * The fingerprint of a card number: HMAC-SHA256 under a random per-merchant key kept in the database, so the same
 * card is recognisable across a merchant's payment methods, but fingerprints cannot be matched across merchants or
 * reversed without the key. The key is created on first use, inside the caller's transaction. `publicTestNumber`:
 * the number is one of the documented test cards, whose fingerprints are kept (`testFingerprints`).
 */
export async function cardFingerprint(ctx: OpContext, cardNumber: string, options: { publicTestNumber?: boolean } = {}): Promise<string> {
  const fingerprintWith = options.publicTestNumber ? testFingerprintWith : cardFingerprintWith;
  const merchantId = ctx.actor.merchant.id;
  const known = committedKeys.get(merchantId);
  if (known) return fingerprintWith(known, cardNumber);
  const read = async () =>
    (await ctx.db.executeQuery<{ secret: string }>(fixedStatement(ctx.db, 'select secret from card_fingerprint_keys where merchant_id = ?', [merchantId])))
      .rows[0];
  let row = await read();
  // A key this transaction did not create is committed (PostgreSQL reads committed rows only) and never changes,
  // so it is kept. On SQLite a batch of transactions shares one commit, so a key seen there may not be committed yet.
  if (row && ctx.deps.store.engine === 'postgres') remember(merchantId, row.secret);
  if (!row) {
    await ctx.db
      .insertInto('card_fingerprint_keys')
      .values({ merchant_id: merchantId, secret: randomBytes(32).toString('hex'), created: ctx.actor.now })
      .onConflict((oc) => oc.column('merchant_id').doNothing())
      .execute();
    row = await read();
  }
  if (!row) throw new Error('card fingerprint key missing after insert');
  return fingerprintWith(row.secret, cardNumber);
}

const KEY_CACHE_SIZE = 10_000;
/** Committed per-merchant keys, by merchant id (a key is never changed or deleted). */
const committedKeys = new Map<string, string>();

function remember(merchantId: string, secret: string): void {
  if (committedKeys.size >= KEY_CACHE_SIZE) committedKeys.clear();
  committedKeys.set(merchantId, secret);
}

/**
 * Fingerprints of the documented test card numbers (public numbers, not card data) by merchant key, kept: the test
 * payment methods (`pm_card_visa`…) are used on most test-mode payments, and their fingerprint is an HMAC each time.
 */
const testFingerprints = new Map<string, string>();

function testFingerprintWith(secretHex: string, testNumber: string): string {
  const key = `${secretHex}:${testNumber}`;
  let fingerprint = testFingerprints.get(key);
  if (fingerprint === undefined) {
    if (testFingerprints.size >= KEY_CACHE_SIZE) testFingerprints.clear();
    fingerprint = cardFingerprintWith(secretHex, testNumber);
    testFingerprints.set(key, fingerprint);
  }
  return fingerprint;
}

function cardFingerprintWith(secretHex: string, cardNumber: string): string {
  const digest = createHmac('sha256', Buffer.from(secretHex, 'hex')).update(cardNumber, 'utf8').digest('base64url');
  return digest.replace(/[-_]/g, '').slice(0, FINGERPRINT_LENGTH);
}
