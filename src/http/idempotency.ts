import { sql } from 'kysely';
import { modeValue, type Scope } from '../db/objects.js';
import { fixedStatement, insertStatement, write } from '../db/statements.js';
import { isUniqueViolation, type Db, type Store } from '../db/store.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { eventHoldingObjectJson, objectJsonOfEventData } from '../domain/events/record-event.js';
import { AppError } from '../lib/errors.js';
import { sha256Hex } from '../lib/secrets.js';

export const IDEMPOTENCY_TTL_S = 24 * 60 * 60;
export const IDEMPOTENCY_KEY_MAX = 255;

export interface StoredResponse {
  status: number;
  body: string;
  /** The body shows a secret (a new API key, a signing secret): store it encrypted, never in clear. */
  secret?: boolean;
}

/** Encrypts stored responses that show secrets; replays decrypt them. */
export interface ResponseSealer {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

const SEALED_PREFIX = 'sealed:';
/**
 * A stored body that is exactly the `data.object` of an event written in the same transaction (a PaymentIntent
 * created and confirmed answers with the object its `payment_intent.succeeded` event holds) is stored as this
 * prefix and the event's id, not a second copy: on PostgreSQL the copy was a fifth of the bytes a payment sent and
 * wrote. The event outlives the key: both are dated by the same clock, the key expires after a day, the event after
 * thirty, and the merchant's test clock only moves forward.
 */
const EVENT_PREFIX = 'event:';

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

/**
 * Method + path + the parameter tree with every scalar as text, so JSON and form spellings agree. Stored as a
 * SHA-256 digest: request parameters may carry card numbers, which must never reach storage.
 */
export function fingerprint(method: string, path: string, params: unknown): string {
  return sha256Hex(`${method} ${path} ${canonicalJson(stringifyLeaves(params ?? {}))}`);
}

function stringifyLeaves(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stringifyLeaves);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stringifyLeaves(x)]));
  }
  return v === null || v === undefined ? '' : String(v as string | number | boolean | bigint | symbol);
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

  constructor(
    private readonly store: Store,
    private readonly sealer?: () => ResponseSealer,
  ) {}

  /**
   * For a request whose parameters were refused: when the key already holds a live response to a different
   * request, the key's misuse is the answer (decisions.md Protocol 5: same key, different request → 422), whatever
   * else is wrong with the parameters. Looked up only on that error path; otherwise the parameters' own error stands.
   */
  async refuseIfReused(scope: Scope, key: string, print: string, nowS: number): Promise<void> {
    const existing = await this.lookup(this.store.db, scope, key);
    if (isLive(existing, nowS) && existing.fingerprint !== print) throw reusedError();
  }

  async run(
    scope: Scope,
    key: string,
    print: string,
    nowS: number,
    work: (tx: Db) => Promise<StoredResponse>,
  ): Promise<Execution> {
    const postgres = this.store.engine === 'postgres';
    // On SQLite a read outside the write queue answers replays without waiting for a batch; on PostgreSQL the check
    // happens inside the transaction, together with the lock, to save round trips.
    if (!postgres) {
      const existing = await this.lookup(this.store.db, scope, key);
      if (isLive(existing, nowS)) return this.replay(this.store.db, scope, existing, print);
    }

    const slot = `${scope.merchantId}|${scope.livemode ? 1 : 0}|${key}`;
    if (this.inFlight.has(slot)) throw inUse();
    this.inFlight.add(slot);
    try {
      if (postgres) {
        // Optimistic first: most keys are new, so claim the key without waiting for the answer (the claim leaves
        // with the transaction's first statement, or with its COMMIT), and let the stored-response INSERT's primary
        // key catch a key that already has one. When anything fails — the claim, that INSERT, or the work before
        // the claim was even sent — nothing was committed, and the careful path below answers exactly as it always
        // would: replay, 409, or the work's own error.
        try {
          return await this.store.withTransaction(async (tx) => {
            await this.claim(tx, slot);
            return this.runAndSave(tx, scope, key, print, nowS, work, 'unchecked');
          });
        } catch {
          // fall through to the careful path
        }
      }
      return await this.store.withTransaction(async (tx) => {
        const row = postgres ? await this.lockAndLookup(tx, slot, scope, key) : await this.lookup(tx, scope, key);
        if (isLive(row, nowS)) return this.replay(tx, scope, row, print);
        return this.runAndSave(tx, scope, key, print, nowS, work, row === undefined ? 'none' : 'expired');
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        const row = await this.lookup(this.store.db, scope, key);
        if (isLive(row, nowS)) return await this.replay(this.store.db, scope, row, print);
      }
      throw err;
    } finally {
      this.inFlight.delete(slot);
    }
  }

  /**
   * Runs the work and stores its response (never a 5xx) in the same transaction. `found`: what the transaction knows
   * of a row for the key — none, an expired one (replaced), or nothing because it did not look (the optimistic path).
   */
  private async runAndSave(
    tx: Db,
    scope: Scope,
    key: string,
    print: string,
    nowS: number,
    work: (tx: Db) => Promise<StoredResponse>,
    found: 'none' | 'expired' | 'unchecked',
  ): Promise<Execution> {
    const response = await work(tx);
    if (response.status < 500) await this.save(tx, scope, key, print, nowS, response, found !== 'expired');
    else if (found === 'unchecked' && (await this.lookup(tx, scope, key)) !== undefined) {
      // Nothing is stored for a 5xx, so no primary key stops this attempt: a response stored for the key already
      // must win, and the careful path replays it.
      throw new Error('idempotency key already stored');
    }
    return { replayed: false, response: { status: response.status, body: response.body } };
  }

  /**
   * PostgreSQL: the optimistic claim (migration 0007), held to travel with the transaction's first statement. It
   * fails the transaction (SQLSTATE RY001), before anything is written, when the key is locked by a request in
   * flight. A response already stored for the key fails the transaction later, at the stored-response INSERT
   * (primary key), so nothing of this attempt is committed either way.
   */
  private async claim(tx: Db, slot: string): Promise<void> {
    await write(tx, sql`select railyard_claim_idempotency_slot(${slot})`.compile(tx));
  }

  /**
   * One round trip on PostgreSQL: take the key's transaction-scoped advisory lock (another process holding it means
   * the request is in flight → 409) and read any stored response, live or expired. A response committed between
   * this statement's snapshot and the lock is caught by the primary key when saving, and then replayed.
   */
  private async lockAndLookup(tx: Db, slot: string, scope: Scope, key: string): Promise<Row | undefined> {
    const result = await sql<Row & { locked: boolean }>`
      select pg_try_advisory_xact_lock(hashtextextended(${slot}, 0)) as locked,
             k.fingerprint, k.response_status, k.response_body, k.expires_at
      from (select 1) as one
      left join idempotency_keys k on k.merchant_id = ${scope.merchantId} and k.livemode = ${modeValue(scope)} and k.key = ${key}`.execute(
      tx,
    );
    const row = result.rows[0];
    if (!row?.locked) throw inUse();
    return row.fingerprint !== null ? row : undefined;
  }

  /**
   * Stores the response. When no row for the key was seen, a plain INSERT, deferred to travel with the COMMIT: a
   * concurrent winner's row fails it on the primary key, which fails the transaction. When an expired row was seen,
   * it is replaced, and a live one found instead means a concurrent winner (reported as a unique violation).
   */
  private async save(
    tx: Db,
    scope: Scope,
    key: string,
    print: string,
    nowS: number,
    response: StoredResponse,
    fresh: boolean,
  ): Promise<void> {
    if (response.secret) {
      if (!this.sealer) throw new Error('A response with a secret cannot be stored without a sealer.');
      response = { ...response, body: SEALED_PREFIX + this.sealer().seal(response.body) };
    } else {
      const eventId = eventHoldingObjectJson(tx, response.body);
      if (eventId !== undefined) response = { ...response, body: EVENT_PREFIX + eventId };
    }
    const values = {
      merchant_id: scope.merchantId,
      livemode: modeValue(scope),
      key,
      fingerprint: print,
      response_status: response.status,
      response_body: response.body,
      created: nowS,
      expires_at: nowS + IDEMPOTENCY_TTL_S,
    };
    if (fresh) {
      await write(tx, insertStatement(tx, 'idempotency_keys', values));
      return;
    }
    const saved = await tx
      .insertInto('idempotency_keys')
      .values(values)
      .onConflict((oc) =>
        oc
          .columns(['merchant_id', 'livemode', 'key'])
          .doUpdateSet({
            fingerprint: print,
            response_status: response.status,
            response_body: response.body,
            created: nowS,
            expires_at: nowS + IDEMPOTENCY_TTL_S,
          })
          .where('idempotency_keys.expires_at', '<=', nowS),
      )
      .returning('key')
      .executeTakeFirst();
    if (!saved) throw Object.assign(new Error('idempotency key already stored'), { code: '23505' });
  }

  /** The stored row for the key, live or expired. */
  private async lookup(db: Db, scope: Scope, key: string): Promise<Row | undefined> {
    const statement = fixedStatement(
      db,
      'select fingerprint, response_status, response_body, expires_at from idempotency_keys where merchant_id = ? and livemode = ? and key = ?',
      [scope.merchantId, modeValue(scope), key],
    );
    return (await db.executeQuery<Row>(statement)).rows[0];
  }

  private async replay(db: Db, scope: Scope, row: Row, print: string): Promise<Execution> {
    if (row.fingerprint !== print) throw reusedError();
    let body = row.response_body;
    if (body.startsWith(SEALED_PREFIX) && this.sealer) body = this.sealer().open(body.slice(SEALED_PREFIX.length));
    else if (body.startsWith(EVENT_PREFIX)) body = await this.eventObject(db, scope, body.slice(EVENT_PREFIX.length));
    return { replayed: true, response: { status: row.response_status, body } };
  }

  /** The stored body that names an event: that event's `data.object`, as written with the response. */
  private async eventObject(db: Db, scope: Scope, eventId: string): Promise<string> {
    const statement = fixedStatement(db, 'select data from events where merchant_id = ? and livemode = ? and id = ?', [
      scope.merchantId,
      modeValue(scope),
      eventId,
    ]);
    const event = (await db.executeQuery<{ data: string }>(statement)).rows[0];
    if (!event) throw new AppError('api_error', 'The response stored for this Idempotency-Key can no longer be read.');
    return objectJsonOfEventData(event.data);
  }
}

/** A stored response still inside its 24-hour window (the `row is Row` narrowing lets replay take it). */
function isLive(row: Row | undefined, nowS: number): row is Row {
  return row !== undefined && row.expires_at > nowS;
}

function reusedError(): AppError {
  return new AppError(
    'idempotency_key_reused',
    'This Idempotency-Key was already used with different parameters or on another endpoint. Use a new key for a new request.',
    { param: 'Idempotency-Key' },
  );
}

function inUse(): AppError {
  return new AppError(
    'idempotency_key_in_use',
    'A request with this Idempotency-Key is still being processed. Retry after it completes.',
    { headers: { 'Retry-After': '1' } },
  );
}
