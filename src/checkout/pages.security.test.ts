import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/harness.js';
import { buyerFields, createSession as createSessionVia, getPage, hiddenFields, postPage, sessionBody } from '../../test/browser/page-client.js';
import { usePageServer } from '../../test/browser/server.js';
import type { Db } from '../db/store.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const LANDING = 'https://shop.example';

/** Every row of every table, as text: where a card number must never appear. */
async function everythingStored(db: Db, engine: string): Promise<string> {
  const tables =
    engine === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public'`.execute(db)).rows.map((r) => r.name);
  let all = '';
  for (const t of tables) {
    const rows = (await sql`select * from ${sql.table(t)}`.execute(db)).rows;
    all += JSON.stringify(rows);
  }
  return all;
}

describe.each(ENGINES)('hosted checkout pages, security (%s)', (engine) => {
  const server = usePageServer(engine);

  const createSession = (extra: Record<string, unknown> = {}) => createSessionVia(server().api, LANDING, extra);
  const embeddedBody = { ui_mode: 'embedded', success_url: undefined, cancel_url: undefined };

  it('hosted pages: strict CSP, no framing, no referrer, no caching', async () => {
    const s = await createSession();
    const page = await getPage(server().url, `/c/${s.id}`);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp.split('; ')).toEqual([
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "base-uri 'none'",
      `form-action 'self' ${LANDING}`,
      "frame-ancestors 'none'",
    ]);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-store');
    // Nothing from elsewhere, nothing inline.
    expect(page.html).not.toMatch(/<script>|<style|\sstyle="|\son[a-z]+="|https?:\/\/(?!shop\.example)[^"]*\.(js|css)/);
    // The expired, complete and not-found pages carry the same policy.
    const missing = await getPage(server().url, '/c/cs_missing');
    expect(missing.headers.get('x-frame-options')).toBe('DENY');
    expect(missing.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('embedded pages may be framed by the merchant origin only', async () => {
    const s = await createSession(embeddedBody);
    const q = new URLSearchParams({ client_secret: s.client_secret, key: server().merchant.keys.pk_test, parent_origin: 'https://merchant.example' });
    const page = await getPage(server().url, `/c/${s.id}/embedded?${q}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain('frame-ancestors https://merchant.example');
    expect(page.headers.get('x-frame-options')).toBeNull();
  });

  it("embedded pages need the session's client secret and a publishable key of its merchant and mode", async () => {
    const s = await createSession(embeddedBody);
    const hosted = await createSession();
    const base = { client_secret: s.client_secret as string, key: server().merchant.keys.pk_test, parent_origin: 'https://merchant.example' };
    const open = (id: string, over: Record<string, string>) => getPage(server().url, `/c/${id}/embedded?${new URLSearchParams({ ...base, ...over })}`);

    expect((await open(s.id, {})).status).toBe(200);
    const refused: Record<string, string>[] = [
      { client_secret: `${s.id}_secret_wrong` },
      { client_secret: '' },
      { key: server().other.keys.pk_test },
      { key: server().merchant.keys.pk_live },
      { key: server().merchant.keys.sk_test },
      { key: 'pk_test_doesnotexist' },
    ];
    for (const over of refused) {
      const res = await open(s.id, over);
      expect(res.status, JSON.stringify(over)).toBe(404);
      expect(res.html).not.toContain('<form');
    }
    // A hosted session has no embedded page; an embedded one no hosted page.
    expect((await open(hosted.id, {})).status).toBe(404);
    expect((await getPage(server().url, `/c/${s.id}`)).status).toBe(404);
    // A parent origin that is not an origin: refused, and not framable.
    for (const parent of ['javascript:alert(1)', 'https://merchant.example/path', 'null', '']) {
      const res = await open(s.id, { parent_origin: parent });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
    // Posting with a wrong secret pays nothing.
    const page = await open(s.id, {});
    const post = await postPage(server().url, `/c/${s.id}/embedded`, { ...hiddenFields(page.html), ...buyerFields(), client_secret: `${s.id}_secret_x` });
    expect(post.status).toBe(404);
    expect((await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}`)).body.status).toBe('open');
  });

  it('a form posted from another website is refused (Origin check), nothing charged', async () => {
    const s = await createSession();
    const page = await getPage(server().url, `/c/${s.id}`);
    const fields = { ...hiddenFields(page.html), ...buyerFields() };
    const res = await postPage(server().url, `/c/${s.id}`, fields, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.html).toContain('sent from another website');
    expect((await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}`)).body.status).toBe('open');
    const same = await postPage(server().url, `/c/${s.id}`, fields, { origin: server().url });
    expect(same.status).toBe(303);
  });

  it("the page shows nothing of the merchant's secrets or of other sessions", async () => {
    const s = await createSession({ metadata: { internal_note: 'margin-is-42-percent' }, client_reference_id: 'crm-ref-9f8e', payment_intent_data: { description: 'internal-desc-77' } });
    const other = await createSession({ line_items: [{ price_data: { currency: 'usd', unit_amount: 999, product_data: { name: 'Other buyer item' } }, quantity: 1 }] });
    const pi = (await server().api.get<Obj>(`/v1/payment_intents/${s.payment_intent}`)).body;
    const html = (await getPage(server().url, `/c/${s.id}`)).html;
    for (const secret of ['margin-is-42-percent', 'crm-ref-9f8e', 'internal-desc-77', pi.client_secret, 'sk_test_', 'sk_live_', 'pk_test_', other.id, 'Other buyer item', server().merchant.id]) {
      expect(html).not.toContain(secret);
    }
  });

  it('card numbers are never stored or logged', async () => {
    const s = await createSession();
    const page = await getPage(server().url, `/c/${s.id}`);
    const declined = await postPage(server().url, `/c/${s.id}`, { ...hiddenFields(page.html), ...buyerFields({ 'card[number]': '4000 0000 0000 9995', 'card[cvc]': '987' }) });
    expect(declined.status).toBe(402);
    const paid = await postPage(server().url, `/c/${s.id}`, { ...hiddenFields(declined.html), ...buyerFields({ 'card[number]': '5555555555554444', 'card[cvc]': '987' }) });
    expect(paid.status).toBe(303);
    const stored = await everythingStored(server().store.db, engine);
    expect(stored).toContain('4444'); // last4 is kept…
    for (const n of ['5555555555554444', '5555 5555 5555 4444', '4000000000009995', '4000 0000 0000 9995']) {
      expect(stored).not.toContain(n); // …the number never
      expect(server().logs.text()).not.toContain(n);
    }
    expect(server().logs.text()).not.toContain('"987"');
    expect(server().logs.lines.length).toBeGreaterThan(0);
  });
});

describe.each(ENGINES)('hosted checkout pages, attempt limits (%s)', (engine) => {
  const server = usePageServer(engine, { env: { RATE_LIMITS: 'on' } });

  it('too many posts for one session in a minute get a 429 page (card testing)', async () => {
    const s = (await server().api.post<Obj>('/v1/checkout/sessions', sessionBody(LANDING))).body;
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await postPage(server().url, `/c/${s.id}`, buyerFields())).status);
    expect(statuses.slice(0, 20).every((x) => x === 403)).toBe(true); // no token: refused, but counted
    expect(statuses.slice(20)).toEqual([429, 429]);
  });
});

describe.each(ENGINES)('hosted checkout pages, attempt limits per IP (%s)', (engine) => {
  const server = usePageServer(engine, { env: { RATE_LIMITS: 'on' } });

  it('one IP may post 100 times a minute, the documented allowance without an API key; the 101st gets a 429 page', async () => {
    const statuses: number[] = [];
    for (let s = 0; s < 6; s++) {
      const session = (await server().api.post<Obj>('/v1/checkout/sessions', sessionBody(LANDING))).body;
      for (let i = 0; i < 17; i++) statuses.push((await postPage(server().url, `/c/${session.id}`, buyerFields())).status);
    }
    expect(statuses.slice(0, 100).every((x) => x === 403)).toBe(true); // no token: refused, but counted
    expect(statuses.slice(100)).toEqual([429, 429]);
  });
});
