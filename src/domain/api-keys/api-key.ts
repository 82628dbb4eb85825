import type { Db } from '../../db/store.js';
import { newId, randomBase62 } from '../../lib/ids.js';
import { sha256Hex } from '../../lib/secrets.js';

export type KeyType = 'secret' | 'publishable';

export const KEY_SECRET_CHARS = 32;
export const KEY_PREFIX_CHARS = 12;
export const KEY_PATTERN = /^(sk|pk)_(test|live)_[A-Za-z0-9]{1,200}$/;

export interface ApiKeyRow {
  merchant_id: string;
  livemode: number;
  id: string;
  type: KeyType;
  name: string | null;
  prefix: string;
  secret_hash: string;
  created: number;
  last_used_at: number | null;
  revoked_at: number | null;
  expires_at: number | null;
}

export function makeSecret(type: KeyType, livemode: boolean): string {
  return `${type === 'secret' ? 'sk' : 'pk'}_${livemode ? 'live' : 'test'}_${randomBase62(KEY_SECRET_CHARS)}`;
}

/** Issues a key: only its hash and its first characters are stored; the secret is returned to be shown once. */
export async function issueKey(
  db: Db,
  merchantId: string,
  type: KeyType,
  livemode: boolean,
  name: string | null,
  now: number,
): Promise<{ row: ApiKeyRow; secret: string }> {
  const secret = makeSecret(type, livemode);
  const row: ApiKeyRow = {
    merchant_id: merchantId,
    livemode: livemode ? 1 : 0,
    id: newId('key'),
    type,
    name,
    prefix: secret.slice(0, KEY_PREFIX_CHARS),
    secret_hash: sha256Hex(secret),
    created: now,
    last_used_at: null,
    revoked_at: null,
    expires_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { row, secret };
}
