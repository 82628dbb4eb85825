import type { ApiKeyRow, KeyType } from './api-key.js';

/** The API key object (decisions.md): the full key (`secret`) only in the create and roll responses, absent elsewhere. */
export interface ApiKeyObject {
  id: string;
  object: 'api_key';
  name: string | null;
  type: KeyType;
  livemode: boolean;
  /** The first 12 characters of the key, enough to recognise it. */
  prefix: string;
  secret?: string;
  created: number;
  last_used_at: number | null;
  revoked_at: number | null;
  expires_at: number | null;
}

export function presentApiKey(row: ApiKeyRow, secret: string | null = null): ApiKeyObject {
  return {
    id: row.id,
    object: 'api_key',
    name: row.name,
    type: row.type,
    livemode: row.livemode === 1,
    prefix: row.prefix,
    ...(secret === null ? {} : { secret }),
    created: row.created,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
    expires_at: row.expires_at,
  };
}

/** Usable for authentication at `now` (unix seconds on the merchant's clock for the key's mode). */
export function isActive(row: ApiKeyRow, now: number): boolean {
  return (row.revoked_at === null || row.revoked_at > now) && (row.expires_at === null || row.expires_at > now);
}
