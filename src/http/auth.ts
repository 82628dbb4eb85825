import type { Store } from '../db/store.js';
import type { Merchant } from '../domain/context.js';
import { KEY_PATTERN, type ApiKeyRow, type KeyType } from '../domain/api-keys/api-key.js';
import { AppError } from '../lib/errors.js';
import { digestsEqual, sha256Hex } from '../lib/secrets.js';

export interface Principal {
  merchant: Merchant;
  livemode: boolean;
  keyType: KeyType;
  keyId: string;
}

const CACHE_TTL_MS = 2_000;
const LAST_USED_RESOLUTION_S = 60;
const MAX_HEADER_CHARS = 1024;

const invalidKey = (message = 'Invalid API key provided.') => new AppError('authentication_failed', message);

/**
 * Extracts the key from `Authorization: Basic base64(key:)` or `Authorization: Bearer key`. Anything malformed
 * (not base64, a password, whitespace or control characters in the key) is a 401, never a 500.
 */
export function keyFromAuthorization(header: string | string[] | undefined): string {
  if (Array.isArray(header)) throw invalidKey('Send exactly one Authorization header.');
  if (header === undefined || header === '') {
    throw new AppError('authentication_failed', 'You did not provide an API key. Use HTTP Basic auth with your key as the username, or a Bearer token.');
  }
  if (header.length > MAX_HEADER_CHARS) throw invalidKey();
  const [scheme, value, ...rest] = header.split(' ');
  if (!value || rest.length > 0) throw invalidKey('The Authorization header is malformed.');
  let key: string;
  if (scheme?.toLowerCase() === 'basic') {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw invalidKey('The Authorization header is not valid base64.');
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    key = colon === -1 ? decoded : decoded.slice(0, colon);
    if (colon !== -1 && decoded.slice(colon + 1) !== '') {
      throw invalidKey('Use your API key as the username with an empty password.');
    }
  } else if (scheme?.toLowerCase() === 'bearer') {
    key = value;
  } else {
    throw invalidKey('Use HTTP Basic or Bearer authentication.');
  }
  if (!KEY_PATTERN.test(key)) throw invalidKey();
  return key;
}

interface CachedKey {
  key: ApiKeyRow;
  merchant: Merchant;
  until: number;
}

/** Resolves keys to principals. Lookups are cached briefly; revocation in this process drops the entry at once. */
export class KeyResolver {
  private cache = new Map<string, CachedKey>();

  constructor(private readonly store: Store) {}

  async resolve(secret: string, nowMs: number, nowS: number): Promise<Principal> {
    const hash = sha256Hex(secret);
    let entry = this.cache.get(hash);
    if (!entry || entry.until < nowMs) {
      const key = (await this.store.db.selectFrom('api_keys').selectAll().where('secret_hash', '=', hash).executeTakeFirst()) as
        | ApiKeyRow
        | undefined;
      if (!key || !digestsEqual(key.secret_hash, hash)) throw invalidKey();
      const merchant = (await this.store.db.selectFrom('merchants').selectAll().where('id', '=', key.merchant_id).executeTakeFirst()) as
        | Merchant
        | undefined;
      if (!merchant) throw invalidKey();
      entry = { key, merchant, until: nowMs + CACHE_TTL_MS };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hash, entry);
    }
    const { key, merchant } = entry;
    // Revocation and expiry times are on the merchant's clock for the key's mode (test mode follows the test clock).
    const keyNow = key.livemode === 1 ? nowS : nowS + merchant.test_clock_offset_s;
    // The same answer as for a key that never existed: a 401 does not tell whether the key once did.
    if (key.revoked_at !== null && key.revoked_at <= keyNow) throw invalidKey();
    if (key.expires_at !== null && key.expires_at <= keyNow) throw invalidKey();
    const livemode = key.livemode === 1;
    // The prefix and the stored mode always agree; checking both keeps a tampered row from crossing modes.
    if (secret.includes('_live_') !== livemode) throw invalidKey();
    this.noteUse(key, keyNow);
    return { merchant, livemode, keyType: key.type, keyId: key.id };
  }

  /**
   * Records `last_used_at`, at most once a minute per key and outside the request's transaction: a lost update
   * only makes the field a little older, and a busy key does not turn every read into a write.
   */
  private noteUse(key: ApiKeyRow, nowS: number): void {
    if (key.last_used_at !== null && nowS - key.last_used_at < LAST_USED_RESOLUTION_S) return;
    key.last_used_at = nowS;
    this.store.db
      .updateTable('api_keys')
      .set({ last_used_at: nowS })
      .where('merchant_id', '=', key.merchant_id)
      .where('livemode', '=', key.livemode)
      .where('id', '=', key.id)
      .execute()
      .catch(() => undefined);
  }

  /** Forget cached keys and merchants (after a revoke, a roll or a test-clock change). */
  invalidate(): void {
    this.cache.clear();
  }
}
