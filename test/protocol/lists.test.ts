import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Merchant } from '../../src/domain/context.js';
import { createCustomer } from '../../src/domain/customers/create-customer.js';
import { client, ENGINES, expectError, startTestServer, type ApiResponse, type TestServer } from '../harness.js';

interface ListBody {
  object: string;
  data: { id: string; created: number; email: string | null }[];
  has_more: boolean;
  url: string;
  next_cursor: string | null;
}

/** decisions.md §7 and §8: limits, cursors, newest first, url, filters, expand. */
describe.each(ENGINES)('lists (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  /** The 25 customers of the main merchant, newest first. */
  let expected: string[];
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await api.post('/v1/customers', { name: `C${i}`, email: `c${i % 5}@example.com` });
      ids.push(res.body.id as string);
    }
    expected = ids.reverse();
  });
  afterAll(() => server.close());

  const list = async (query: string, path = '/v1/customers') => {
    const res = await api.get<ListBody>(`${path}${query}`);
    expect(res.status, res.text).toBe(200);
    return res.body;
  };

  it('defaults to 10 newest first and honours limit from 1 to 100', async () => {
    const page = await list('');
    expect(page).toMatchObject({ object: 'list', has_more: true, url: '/v1/customers', next_cursor: expected[9] });
    expect(page.data.map((c) => c.id)).toEqual(expected.slice(0, 10));
    expect((await list('?limit=1')).data.map((c) => c.id)).toEqual(expected.slice(0, 1));
    const all = await list('?limit=100');
    expect(all.data.map((c) => c.id)).toEqual(expected);
    expect(all).toMatchObject({ has_more: false, next_cursor: null });
    expect((await list('?limit=25')).has_more).toBe(false);
    expect((await list('?limit=24')).has_more).toBe(true);
  });

  it.each(['0', '-1', '101', '1000000', '99999999999999999999', 'abc', '1.5', '', '1e2', '0x10'])(
    'refuses limit=%s with 400 parameter_invalid',
    async (limit) => {
      expectError(await api.get(`/v1/customers?limit=${limit}`), 400, 'parameter_invalid', 'limit');
    },
  );

  it('refuses repeated or nested limits', async () => {
    expectError(await api.get('/v1/customers?limit=1&limit=2'), 400, 'parameter_invalid', 'limit');
    expectError(await api.get('/v1/customers?limit[a]=1'), 400, 'parameter_invalid', 'limit');
  });

  it('pages forward with starting_after / next_cursor: every item exactly once, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    const pages: ListBody[] = [];
    do {
      const page: ListBody = await list(`?limit=10${cursor ? `&starting_after=${cursor}` : ''}`);
      pages.push(page);
      seen.push(...page.data.map((c) => c.id));
      expect(page.next_cursor).toBe(page.has_more ? page.data[page.data.length - 1]!.id : null);
      cursor = page.next_cursor;
    } while (cursor);
    expect(pages.map((p) => [p.data.length, p.has_more])).toEqual([
      [10, true],
      [10, true],
      [5, false],
    ]);
    expect(seen).toEqual(expected);
    // Past the oldest item: an empty page.
    expect(await list(`?starting_after=${expected[24]!}`)).toMatchObject({ data: [], has_more: false, next_cursor: null });
  });

  it('pages backward with ending_before: the items just newer than the cursor, newest first', async () => {
    const page = await list(`?limit=5&ending_before=${expected[20]!}`);
    expect(page.data.map((c) => c.id)).toEqual(expected.slice(15, 20));
    expect(page.has_more).toBe(true);
    const collected: string[] = [];
    let cursor = expected[24]!;
    for (;;) {
      const p = await list(`?limit=7&ending_before=${cursor}`);
      collected.unshift(...p.data.map((c) => c.id));
      if (!p.has_more) break;
      cursor = p.data[0]!.id;
    }
    expect(collected).toEqual(expected.slice(0, 24));
    expect(await list(`?ending_before=${expected[0]!}`)).toMatchObject({ data: [], has_more: false });
  });

  it('refuses starting_after together with ending_before', async () => {
    const err = expectError(await api.get(`/v1/customers?starting_after=${expected[3]!}&ending_before=${expected[1]!}`), 400, 'parameter_invalid');
    expect(err.type).toBe('invalid_request_error');
    expect(err.message).toMatch(/starting_after.*ending_before/);
  });

  it('refuses malformed cursors with 400 parameter_invalid', async () => {
    for (const bad of ['cus_%C3%A9', 'cus_%00', '', `cus_${'a'.repeat(300)}`, 'cus-dash']) {
      expectError(await api.get(`/v1/customers?starting_after=${bad}`), 400, 'parameter_invalid', 'starting_after');
    }
    expectError(await api.get('/v1/customers?ending_before=evt_notmine'), 400, 'parameter_invalid', 'ending_before');
  });

  it('echoes the path the caller used as url, without the query', async () => {
    expect((await list('?limit=2')).url).toBe('/v1/customers');
    expect((await list('?limit=2', '/v1/customers/')).url).toBe('/v1/customers/');
    expect((await list('?type=customer.created', '/v1/events')).url).toBe('/v1/events');
  });

  it('filters by email exactly and refuses an empty or malformed email filter', async () => {
    const page = await list('?email=c1%40example.com&limit=100');
    expect(page.data.map((c) => c.id)).toEqual(expected.filter((_, i) => (24 - i) % 5 === 1));
    expect(page.data.every((c) => c.email === 'c1@example.com')).toBe(true);
    expect((await list('?email=C1%40EXAMPLE.COM')).data).toEqual([]);
    expect((await list('?email=nobody%40example.com')).data).toEqual([]);
    const filtered = await list('?email=c2%40example.com&limit=2');
    expect(filtered.has_more).toBe(true);
    const next = await list(`?email=c2%40example.com&limit=2&starting_after=${filtered.next_cursor!}`);
    expect(next.data.every((c) => c.email === 'c2@example.com')).toBe(true);
    expectError(await api.get('/v1/customers?email='), 400, 'parameter_invalid', 'email');
    expectError(await api.get('/v1/customers?email=not-an-email'), 400, 'parameter_invalid', 'email');
    expectError(await api.get('/v1/customers?email[]=a%40b.co'), 400, 'parameter_invalid', 'email');
  });

  it('filters by created: exact, gt, gte, lt, lte, combined; refuses unknown bounds', async () => {
    const m = await server.newMerchant('Created filters');
    const c = client(server, m.keys.sk_test);
    const batches: { created: number; ids: string[] }[] = [];
    for (let b = 0; b < 3; b++) {
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) ids.push((await c.post('/v1/customers', { name: `b${b}` })).body.id as string);
      batches.push({ created: ((await c.get(`/v1/customers/${ids[0]!}`)).body.created as number), ids });
      await c.post('/v1/test_helpers/advance_clock', { seconds: 100 });
    }
    const [t0, t1, t2] = batches.map((b) => b.created) as [number, number, number];
    expect([t1 - t0, t2 - t1]).toEqual([100, 100]);
    const ids = async (q: string) => ((await c.get<ListBody>(`/v1/customers?limit=100&${q}`)).body.data ?? []).map((x) => x.id);
    const newestFirst = (...bs: number[]) => bs.flatMap((b) => [...batches[b]!.ids].reverse());
    expect(await ids(`created=${t1}`)).toEqual(newestFirst(1));
    expect(await ids(`created[gt]=${t0}`)).toEqual(newestFirst(2, 1));
    expect(await ids(`created[gte]=${t1}`)).toEqual(newestFirst(2, 1));
    expect(await ids(`created[lt]=${t2}`)).toEqual(newestFirst(1, 0));
    expect(await ids(`created[lte]=${t1}`)).toEqual(newestFirst(1, 0));
    expect(await ids(`created[gt]=${t0}&created[lt]=${t2}`)).toEqual(newestFirst(1));
    expect(await ids(`created[gte]=${t2 + 1}`)).toEqual([]);
    expectError(await c.get('/v1/customers?created[after]=1'), 400, 'parameter_unknown', 'created[after]');
    expectError(await c.get('/v1/customers?created[gt]=yesterday'), 400, 'parameter_invalid', 'created[gt]');
    expectError(await c.get('/v1/customers?created=-5'), 400, 'parameter_invalid', 'created');
    expectError(await c.get('/v1/customers?unknown_filter=1'), 400, 'parameter_unknown', 'unknown_filter');
  });

  it('refuses expand on customers and events (nothing is expandable there) with 400 naming expand', async () => {
    const id = expected[0]!;
    const eventId = (await list('?limit=1', '/v1/events')).data[0]!.id;
    for (const path of [
      `/v1/customers?expand[]=data.address`,
      `/v1/customers?expand[]=foo`,
      `/v1/customers?expand=data.default_source`,
      `/v1/customers/${id}?expand[]=default_source`,
      `/v1/customers/cus_missing?expand[]=default_source`,
      `/v1/events?expand[]=data.data`,
      `/v1/events/${eventId}?expand[]=data`,
      // Retrieves with nothing to expand answer the same, whether or not the id exists.
      `/v1/refunds/re_missing?expand[]=charge`,
      `/v1/charges/ch_missing?expand[]=customer`,
      `/v1/payment_methods/pm_missing?expand[]=customer`,
      `/v1/setup_intents/seti_missing?expand[]=payment_method`,
      `/v1/api_keys/key_missing?expand[]=merchant`,
      `/v1/webhook_endpoints/we_missing?expand=application`,
    ]) {
      const err = expectError(await api.get(path), 400, 'parameter_invalid', 'expand');
      expect(err.message).toMatch(/cannot be expanded/);
    }
    expectError(await api.get(`/v1/customers?${Array.from({ length: 21 }, (_, i) => `expand[]=f${i}`).join('&')}`), 400, 'parameter_invalid', 'expand');
    // An empty expand list is no expansion at all.
    expect((await api.get(`/v1/customers/${id}`)).status).toBe(200);
  });

  /**
   * Property: for any number of customers (with `created` ties and gaps) and any page size, walking forward with
   * next_cursor yields exactly the full newest-first list, and walking backward with ending_before yields it too.
   */
  it('pagination property: forward and backward walks reproduce the full newest-first list', async () => {
    const base = Math.floor(server.clock.nowMs() / 1000);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        async (createdOffsets, limit, livemode) => {
          const m = await server.newMerchant('Property');
          const merchant = (await server.store.db.selectFrom('merchants').selectAll().where('id', '=', m.id).executeTakeFirstOrThrow()) as Merchant;
          const inserted: { id: string; created: number; order: number }[] = [];
          await server.store.withTransaction(async (db) => {
            for (const [order, offset] of createdOffsets.entries()) {
              const actor = { merchant, scope: { merchantId: m.id, livemode }, apiVersion: merchant.default_api_version, now: base + offset };
              const c = await createCustomer({ deps: server.deps, actor, db }, {});
              inserted.push({ id: c.id, created: c.created, order });
            }
          });
          const truth = [...inserted].sort((a, b) => b.created - a.created || b.order - a.order).map((c) => c.id);
          const c = client(server, livemode ? m.keys.sk_live : m.keys.sk_test);

          const forward: string[] = [];
          let cursor: string | null = null;
          for (let guard = 0; guard <= truth.length + 1; guard++) {
            const res: ApiResponse<ListBody> = await c.get<ListBody>(`/v1/customers?limit=${limit}${cursor ? `&starting_after=${cursor}` : ''}`);
            expect(res.status).toBe(200);
            const page: ListBody = res.body;
            expect(page.data.length).toBeLessThanOrEqual(limit);
            expect(page.next_cursor).toBe(page.has_more ? page.data[page.data.length - 1]!.id : null);
            forward.push(...page.data.map((x) => x.id));
            cursor = page.next_cursor;
            if (!cursor) break;
          }
          expect(forward).toEqual(truth);

          if (truth.length > 0) {
            const backward: string[] = [truth[truth.length - 1]!];
            let before = truth[truth.length - 1]!;
            for (let guard = 0; guard <= truth.length + 1; guard++) {
              const page = (await c.get<ListBody>(`/v1/customers?limit=${limit}&ending_before=${before}`)).body;
              backward.unshift(...page.data.map((x) => x.id));
              if (!page.has_more) break;
              before = page.data[0]!.id;
            }
            expect(backward).toEqual(truth);
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
