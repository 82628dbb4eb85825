import type { TestServer } from '../../../../test/harness.js';
import { completeCheckoutSession, type CompleteCheckoutSessionInput, type CompletionResult } from '../../../domain/checkout-sessions/complete-checkout-session.js';
import { merchantNow, type Merchant, type OpContext } from '../../../domain/context.js';
import type { Db } from '../../../db/store.js';

/** The operation context of the test merchant in test mode, on `db`. */
export async function merchantCtx(server: TestServer, db: Db, merchantId = server.merchant.id): Promise<OpContext> {
  const merchant = (await db.selectFrom('merchants').selectAll().where('id', '=', merchantId).executeTakeFirstOrThrow()) as Merchant;
  return {
    deps: server.deps,
    db,
    actor: { merchant, scope: { merchantId, livemode: false }, apiVersion: merchant.default_api_version, now: merchantNow(server.deps.clock, merchant, false) },
  };
}

/**
 * Pays a hosted session the way its payment page does (the same domain operation), in one transaction. A decline
 * is committed like the page commits it.
 */
export async function payHosted(server: TestServer, sessionId: string, input: CompleteCheckoutSessionInput): Promise<CompletionResult> {
  return server.store.withTransaction(async (db) => completeCheckoutSession(await merchantCtx(server, db), sessionId, { email: 'buyer@example.com', ...input }));
}

/** Visits a link's public URL without following the redirect. */
export async function visit(server: TestServer, linkId: string): Promise<Response> {
  return fetch(`${server.url}/cl/${linkId}`, { redirect: 'manual' });
}

/** The session a visit minted (from its Location header). */
export function sessionIdOf(res: Response): string {
  const location = res.headers.get('location') ?? '';
  const id = /\/c\/(cs_[A-Za-z0-9]+)$/.exec(location)?.[1];
  if (!id) throw new Error(`no session in Location: ${location} (status ${res.status})`);
  return id;
}
