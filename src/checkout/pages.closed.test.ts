import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../test/harness.js';
import { buyerFields, createSession as createSessionVia, getPage, hiddenFields, postPage, type PageResponse } from '../../test/browser/page-client.js';
import { usePageServer } from '../../test/browser/server.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const LANDING = 'https://shop.example';
const PARENT = 'https://shop.example';

/**
 * A session that can no longer be paid (completed, expired, or past `expires_at` before the job ran) gets exactly
 * one answer — its status page — and nothing runs after it: no second reply (Fastify's FST_ERR_REP_ALREADY_SENT),
 * the access log and /metrics record the status the buyer saw, and a post to it attempts no payment.
 */
describe.each(ENGINES)('hosted checkout pages, closed sessions answer once (%s)', (engine) => {
  const server = usePageServer(engine);

  const createSession = (extra: Record<string, unknown> = {}) => createSessionVia(server().api, LANDING, extra);
  const embeddedSession = () => createSession({ ui_mode: 'embedded', success_url: undefined, cancel_url: undefined });
  const embeddedQuery = (s: Obj) =>
    new URLSearchParams({ client_secret: s.client_secret as string, key: server().merchant.keys.pk_test, parent_origin: PARENT }).toString();

  /** The count of `railyard_http_requests_total` for a method, route pattern and status. */
  async function requests(method: string, route: string, status: number): Promise<number> {
    const text = await (await fetch(`${server().url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`railyard_http_requests_total{method="${method}",route="${route}",status="${status}"} `));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  /** Counts of the given statuses for a route, to compare before and after. */
  async function counts(method: string, route: string, statuses: number[]): Promise<Record<number, number>> {
    const out: Record<number, number> = {};
    for (const status of statuses) out[status] = await requests(method, route, status);
    return out;
  }

  /**
   * Each request to these paths was answered once: no log line of theirs reports a second reply, and the access log
   * records exactly the statuses the buyer saw (in any order).
   */
  function expectOneReplyEach(sessionId: string, expected: Record<string, number[]>): void {
    const entries = server().logs.lines.map((line) => JSON.parse(line) as Obj);
    for (const [path, statuses] of Object.entries(expected)) {
      const ids = new Set(entries.filter((e) => typeof e.req?.url === 'string' && (e.req.url as string).split('?')[0] === path).map((e) => e.request_id as string));
      const mine = entries.filter((e) => ids.has(e.request_id as string));
      expect(mine.filter((e) => e.err?.code === 'FST_ERR_REP_ALREADY_SENT' || String(e.msg).includes('already sent')), `${path} of ${sessionId}`).toEqual([]);
      const seen = mine.filter((e) => e.msg === 'request completed').map((e) => e.res?.statusCode as number);
      expect(seen.sort(), `${path} of ${sessionId}`).toEqual([...statuses].sort());
    }
    expect(server().logs.text()).not.toContain('FST_ERR_REP_ALREADY_SENT');
  }

  async function pay(path: string, extra: Record<string, string> = {}): Promise<PageResponse> {
    const page = await getPage(server().url, path);
    expect(page.status).toBe(200);
    return postPage(server().url, path, { ...hiddenFields(page.html), ...buyerFields(), ...extra });
  }

  async function charges(s: Obj): Promise<Obj[]> {
    const session = (await server().api.get<Obj>(`/v1/checkout/sessions/${s.id}`)).body;
    return (await server().api.get<Obj>(`/v1/charges?payment_intent=${session.payment_intent}`)).body.data as Obj[];
  }

  it('GET of an expired session: 410 once, counted as 410 — expired by the API or past expires_at', async () => {
    const before = await counts('GET', '/c/:id', [200, 410]);
    const s = await createSession();
    expect((await server().api.post(`/v1/checkout/sessions/${s.id}/expire`)).status).toBe(200);
    const page = await getPage(server().url, `/c/${s.id}`);
    expect(page.status).toBe(410);
    expect(page.html).toContain('This checkout has expired');
    expect(page.html).not.toContain('<form');
    // Expired early by the merchant: no date (its expires_at is still ahead), and no pointer to test cards.
    expect(page.html).toContain('has expired. You have not been charged.');
    expect(page.html).not.toContain('expired on');
    expect(page.html).toContain('Test mode');
    expect(page.html).not.toContain('Use a test card below');

    const due = await createSession();
    server().clock.advance(25 * 3600); // past expires_at; jobs are off in this server
    try {
      const late = await getPage(server().url, `/c/${due.id}`);
      expect(late.status).toBe(410);
      expect(late.html).not.toContain('<form');
      expect(late.html).toContain('expired on'); // at its expires_at, which the page gives
    } finally {
      server().clock.advance(-25 * 3600);
    }

    expect(await counts('GET', '/c/:id', [200, 410])).toEqual({ 200: before[200], 410: before[410]! + 2 });
    expectOneReplyEach(s.id as string, { [`/c/${s.id}`]: [410] });
    expectOneReplyEach(due.id as string, { [`/c/${due.id}`]: [410] });
  });

  it('GET of a completed session: the confirmation once (200), never a form', async () => {
    const s = await createSession();
    expect((await pay(`/c/${s.id}`)).status).toBe(303);
    const before = await counts('GET', '/c/:id', [200, 410]);
    const page = await getPage(server().url, `/c/${s.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Payment complete');
    expect(page.html).not.toContain('<form');
    expect(page.html).not.toContain('Use a test card below');
    expect(await counts('GET', '/c/:id', [200, 410])).toEqual({ 200: before[200]! + 1, 410: before[410] });
    expectOneReplyEach(s.id as string, { [`/c/${s.id}`]: [200, 303, 200] }); // the form, its payment, the confirmation
  });

  it('POST to a completed session: 409 once and no payment attempted; to an expired one: 410 once', async () => {
    const s = await createSession();
    const page = await getPage(server().url, `/c/${s.id}`);
    const fields = { ...hiddenFields(page.html), ...buyerFields() };
    expect((await postPage(server().url, `/c/${s.id}`, fields)).status).toBe(303);

    const before = await counts('POST', '/c/:id', [200, 303, 400, 403, 409, 410]);
    // The same form again, a new form, a form with no token and a form with a bad field: each is the already-paid page.
    const replay = await postPage(server().url, `/c/${s.id}`, fields);
    const fresh = await postPage(server().url, `/c/${s.id}`, { ...fields, form_key: 'B'.repeat(24) });
    const tokenless = await postPage(server().url, `/c/${s.id}`, buyerFields());
    const invalid = await postPage(server().url, `/c/${s.id}`, { ...fields, email: 'not-an-email', 'card[number]': '1234' });
    for (const res of [replay, fresh, tokenless, invalid]) {
      expect(res.status).toBe(409);
      expect(res.html).toContain('This checkout is already paid');
      expect(res.html).not.toContain('<form');
    }
    expect(await counts('POST', '/c/:id', [200, 303, 400, 403, 409, 410])).toEqual({ ...before, 409: before[409]! + 4 });
    expect(await charges(s)).toHaveLength(1);

    const e = await createSession();
    const ePage = await getPage(server().url, `/c/${e.id}`);
    expect((await server().api.post(`/v1/checkout/sessions/${e.id}/expire`)).status).toBe(200);
    const expired = await postPage(server().url, `/c/${e.id}`, { ...hiddenFields(ePage.html), ...buyerFields() });
    expect(expired.status).toBe(410);
    expect(expired.html).not.toContain('<form');
    expect(await requests('POST', '/c/:id', 410)).toBe(before[410]! + 1);
    expect(await charges(e)).toHaveLength(0);

    expectOneReplyEach(s.id as string, { [`/c/${s.id}`]: [200, 303, 409, 409, 409, 409] });
    expectOneReplyEach(e.id as string, { [`/c/${e.id}`]: [200, 410] });
  });

  it('the confirmation and 3-D Secure return routes of a closed session answer once', async () => {
    const s = await createSession();
    expect((await pay(`/c/${s.id}`)).status).toBe(303);
    expect((await getPage(server().url, `/c/${s.id}/complete`)).status).toBe(200);

    const e = await createSession();
    expect((await server().api.post(`/v1/checkout/sessions/${e.id}/expire`)).status).toBe(200);
    expect((await getPage(server().url, `/c/${e.id}/complete`)).status).toBe(410);
    const back = await getPage(server().url, `/c/${e.id}/return`);
    expect(back.status).toBe(410);
    expect(back.html).not.toContain('<form');

    expectOneReplyEach(e.id as string, { [`/c/${e.id}/complete`]: [410], [`/c/${e.id}/return`]: [410] });
    expectOneReplyEach(s.id as string, { [`/c/${s.id}/complete`]: [200] });
  });

  it('embedded: a closed session answers its status page once, on GET and on POST', async () => {
    const before = { get: await counts('GET', '/c/:id/embedded', [200, 410]), post: await counts('POST', '/c/:id/embedded', [200, 409, 410]) };
    const s = await embeddedSession();
    const path = `/c/${s.id}/embedded`;
    const page = await getPage(server().url, `${path}?${embeddedQuery(s)}`);
    expect(page.status).toBe(200);
    const fields = { ...hiddenFields(page.html), ...buyerFields() };
    const paid = await postPage(server().url, path, fields);
    expect(paid.status).toBe(200);
    expect(paid.html).not.toContain('<form');

    const again = await getPage(server().url, `${path}?${embeddedQuery(s)}`);
    expect(again.status).toBe(200);
    expect(again.html).toContain('Payment complete');
    expect(again.html).not.toContain('<form');
    const replay = await postPage(server().url, path, { ...fields, form_key: 'C'.repeat(24) });
    expect(replay.status).toBe(409);
    expect(replay.html).not.toContain('<form');
    expect(await charges(s)).toHaveLength(1);

    const e = await embeddedSession();
    expect((await server().api.post(`/v1/checkout/sessions/${e.id}/expire`)).status).toBe(200);
    const expired = await getPage(server().url, `/c/${e.id}/embedded?${embeddedQuery(e)}`);
    expect(expired.status).toBe(410);
    expect(expired.html).not.toContain('<form');

    expect(await counts('GET', '/c/:id/embedded', [200, 410])).toEqual({ 200: before.get[200]! + 2, 410: before.get[410]! + 1 });
    expect(await counts('POST', '/c/:id/embedded', [200, 409, 410])).toEqual({ 200: before.post[200]! + 1, 409: before.post[409]! + 1, 410: before.post[410] });
    expectOneReplyEach(s.id as string, { [path]: [200, 200, 200, 409] });
    expectOneReplyEach(e.id as string, { [`/c/${e.id}/embedded`]: [410] });
  });

  it('forms racing to pay one session: one pays, the others get the already-paid page, each answered once', async () => {
    for (let round = 0; round < 3; round++) {
      const s = await createSession();
      const pages = await Promise.all([1, 2, 3, 4].map(() => getPage(server().url, `/c/${s.id}`)));
      const results = await Promise.all(pages.map((p) => postPage(server().url, `/c/${s.id}`, { ...hiddenFields(p.html), ...buyerFields() })));
      expect(results.map((r) => r.status).sort()).toEqual([303, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) expect(r.html).not.toContain('<form');
      expect(await charges(s)).toHaveLength(1);
      expectOneReplyEach(s.id as string, { [`/c/${s.id}`]: [200, 200, 200, 200, 303, 409, 409, 409] });
    }
  });
});
