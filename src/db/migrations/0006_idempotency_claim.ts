import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../store.js';

/**
 * PostgreSQL only: the optimistic idempotency claim. A request with a new key sends this call at the start of its
 * transaction, in the same message as the transaction's first statement, without waiting for its answer: it takes
 * the key's transaction-scoped advisory lock and checks that no response is stored for the key, and raises RY001
 * when either fails, which aborts the transaction before anything is written. The request then takes the careful
 * path (lock, look up, replay or 409). See docs/decisions.md, "PostgreSQL round trips".
 */
export async function up(db: Db): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`
    create or replace function railyard_claim_idempotency_key(slot text, merchant text, mode integer, idem_key text)
    returns void language plpgsql as $$
    begin
      if not pg_try_advisory_xact_lock(hashtextextended(slot, 0)) then
        raise exception using errcode = 'RY001', message = 'idempotency key in use';
      end if;
      if exists (select 1 from idempotency_keys k where k.merchant_id = merchant and k.livemode = mode and k.key = idem_key) then
        raise exception using errcode = 'RY001', message = 'idempotency key already stored';
      end if;
    end
    $$`.execute(db);
}

export async function down(db: Db): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop function if exists railyard_claim_idempotency_key(text, text, integer, text)`.execute(db);
}
