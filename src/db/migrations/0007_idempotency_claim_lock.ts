import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../store.js';

/**
 * PostgreSQL only: a lighter optimistic claim. It only takes the key's transaction-scoped advisory lock (RY001 when
 * a request with the key is in flight). Whether a response is already stored no longer needs a query of its own:
 * the stored-response INSERT at the end of the same transaction fails on the primary key in that case, which aborts
 * the transaction just the same, and the request takes the careful path (replay). Retries of finished requests are
 * rare; the lookup every new key paid for was about 8% of the database's time on a customer create.
 * The 0006 function stays, for a node still running the previous release during an upgrade.
 */
export async function up(db: Db): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`
    create or replace function railyard_claim_idempotency_slot(slot text)
    returns void language plpgsql as $$
    begin
      if not pg_try_advisory_xact_lock(hashtextextended(slot, 0)) then
        raise exception using errcode = 'RY001', message = 'idempotency key in use';
      end if;
    end
    $$`.execute(db);
}

export async function down(db: Db): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop function if exists railyard_claim_idempotency_slot(text)`.execute(db);
}
