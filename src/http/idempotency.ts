import { sql } from 'kysely';
import { modeValue, type Scope } from '../db/objects.js';
import { isUniqueViolation, type Db, type Store } from '../db/store.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { AppError } from '../lib/errors.js';

export const IDEMPOTENCY_TTL_S = 24 * 60 * 60;
export const IDEMPOTENCY_KEY_MAX = 255;

export interface StoredResponse {
  status: number;
  body: string;
}

/** Checks the header per decisions.md §5: absent → missing; empty, too long or non-printable → invalid. */
export function readIdempotencyKey(raw: string | string[] | undefined, required: boolean): string | undefined {
  if (Array.isArray(raw)) {
    throw new AppError('parameter_invalid', 'Send exactly one Idempotency-Key header.', { param: 'Idempotency-Key' });
  }
  if (raw === undefined) {
    if (!required) return undefined;
    throw new AppError('parameter_missing', 'An Idempotency-Key header is required on every POST request.', {
      param: 'Idempotency-Key',
    });
  }
  if (raw.length === 0 || raw.length > IDEMPOTENCY_KEY_MAX || !/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(raw)) {
    throw new AppError(
      'parameter_invalid',
      `The Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX} printable ASCII characters.`,
      { param: 'Idempotency-Key' },
    );
  }
  return raw;
}

/** Method + path + the parameter tree with every scalar as text, so JSON and form spellings agree. */
export function fingerprint(method: string, path: string, params: unknown): string {
  return `${method} ${path} ${canonicalJson(stringifyLeaves(params ?? {}))}`;
}

function stringifyLeaves(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stringifyLeaves);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stringifyLeaves(x)]));
  }
  return v === null ? '' : String(v);
}

interface Row {
  fingerprint: string;
  response_status: number;
  response_body: string;
  expires_at: number;
}

export type Execution = { replayed: true; response: StoredResponse } | { replayed: false; response: StoredResponse };

/**
 * Runs `work` at most once per (merchant, mode, key). The stored response is written in the same transaction as the
 * work's objects and events, so a crash leaves all or nothing. A duplicate arriving while the first runs gets 409
 * (this process: an in-flight set; other processes on PostgreSQL: a transaction-scoped advisory lock); the primary
 * key is the final arbiter if both ever slip through, and the loser replays the winner's response.
 * Responses with a 5xx status are never stored (their transaction is rolled back).
 */
export class IdempotencyStore {
  private inFlight = new Set<string>();

  constructor(private readonly store: Store) {}

  async run(
    scope: Scope,
    key: string,
    print: string,
    nowS: number,
    work: (tx: Db) => Promise<StoredResponse>,
  ): Promise<Execution> {
    const existing = await this.lookup(this.store.db, scope, key, nowS);
    if (existing) return this.replay(existing, print);

    const slot = `${scope.merchantId}|${scope.livemode ? 1 : 0}|${key}`;
    if (this.inFlight.has(slot)) throw inUse();
    this.inFlight.add(slot);
    try {
      return await this.store.withTransaction(async (tx) => {
        if (this.store.engine === 'postgres') {
          const got = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${slot}, 0)) as ok`.execute(tx);
          if (!got.rows[0]?.ok) throw inUse();
        }
        const row = await this.lookup(tx, scope, key, nowS);
        if (row) return this.replay(row, print);
        const response = await work(tx);
        if (response.status < 500) {
          await tx
            .deleteFrom('idempotency_keys')
            .where('merchant_id', '=', scope.merchantId)
            .where('livemode', '=', modeValue(scope))
            .where('key', '=', key)
            .where('expires_at', '<=', nowS)
            .execute();
          await tx
            .insertInto('idempotency_keys')
            .values({
              merchant_id: scope.merchantId,
              livemode: modeValue(scope),
              key,
              fingerprint: print,
              response_status: response.status,
              response_body: response.body,
              created: nowS,
              expires_at: nowS + IDEMPOTENCY_TTL_S,
            })
            .execute();
        }
        return { replayed: false as const, response };
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        const row = await this.lookup(this.store.db, scope, key, nowS);
        if (row) return this.replay(row, print);
      }
      throw err;
    } finally {
      this.inFlight.delete(slot);
    }
  }

  private async lookup(db: Db, scope: Scope, key: string, nowS: number): Promise<Row | undefined> {
    const row = (await db
      .selectFrom('idempotency_keys')
      .select(['fingerprint', 'response_status', 'response_body', 'expires_at'])
      .where('merchant_id', '=', scope.merchantId)
      .where('livemode', '=', modeValue(scope))
      .where('key', '=', key)
      .executeTakeFirst()) as Row | undefined;
    return row && row.expires_at > nowS ? row : undefined;
  }

  private replay(row: Row, print: string): Execution {
    if (row.fingerprint !== print) {
      throw new AppError(
        'idempotency_key_reused',
        'This Idempotency-Key was already used with different parameters or on another endpoint. Use a new key for a new request.',
        { param: 'Idempotency-Key' },
      );
    }
    return { replayed: true, response: { status: row.response_status, body: row.response_body } };
  }
}

function inUse(): AppError {
  return new AppError(
    'idempotency_key_in_use',
    'A request with this Idempotency-Key is still being processed. Retry after it completes.',
    { headers: { 'Retry-After': '1' } },
  );
}
