import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';
import { makeCatalog, ok, type Api, type Catalog, type Obj, startCheckoutServer } from '../checkout_sessions/checkout-fixtures.js';
import { sessionIdOf, visit } from './link-fixtures.js';

describe.each(ENGINES)('checkout links security (%s)', (engine) => {
  let server: TestServer;
  let api: Api;
  let cat: Catalog;
  let link: Obj;
  beforeAll(async () => {
    ({ server, api, cat } = await startCheckoutServer(engine));
    link = await ok(api.post('/v1/checkout_links', { title: 'Tee', line_items: [{ price: cat.price, quantity: 1 }] }));
  });
  afterAll(() => server.close());

  it("another merchant's or mode's keys cannot see, change or sell from a link", async () => {
    const id = link.id as string;
    for (const key of [server.other.keys.sk_test, server.merchant.keys.sk_live]) {
      const stranger = client(server, key);
      expectError(await stranger.get(`/v1/checkout_links/${id}`), 404, 'resource_missing', 'id');
      expectError(await stranger.post(`/v1/checkout_links/${id}`, { active: false }), 404, 'resource_missing', 'id');
      expect((await ok(stranger.get<{ data: Obj[] }>('/v1/checkout_links'))).data).toEqual([]);
      expectError(await stranger.get(`/v1/checkout_links?starting_after=${id}`), 400, 'parameter_invalid', 'starting_after');
      expectError(await stranger.post('/v1/checkout_links', { title: 'Steal', line_items: [{ price: cat.price, quantity: 1 }] }), 404, 'resource_missing', 'line_items[0][price]');
    }
    const pk = client(server, server.merchant.keys.pk_test);
    expectError(await pk.get(`/v1/checkout_links/${id}`), 401, 'secret_key_required');
    expectError(await pk.post('/v1/checkout_links', { title: 'x', line_items: [] }), 401, 'secret_key_required');
    expect((await ok(api.get(`/v1/checkout_links/${id}`))).active).toBe(true);
  });

  it('the public URL mints sessions of the link’s own merchant and mode only; unknown or malformed ids are a 404 page', async () => {
    const s = sessionIdOf(await visit(server, link.id as string));
    expect((await ok(api.get(`/v1/checkout/sessions/${s}`))).checkout_link).toBe(link.id);
    expectError(await client(server, server.other.keys.sk_test).get(`/v1/checkout/sessions/${s}`), 404, 'resource_missing', 'id');
    for (const id of ['cl_doesnotexist', 'cs_notalink', '%3Cscript%3E', 'x'.repeat(200)]) {
      const res = await fetch(`${server.url}/cl/${id}`, { redirect: 'manual' });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).not.toContain('<script>');
    }
  });

  it('link visits count against the per-IP limit for unauthenticated requests', async () => {
    const limited = await startTestServer(engine, { env: { RATE_LIMITS: 'on' } });
    try {
      limited.app.runtime.rateLimits.unauthenticated = 2;
      const lapi = client(limited, limited.merchant.keys.sk_test);
      const c = await makeCatalog(lapi);
      const l = await ok(lapi.post('/v1/checkout_links', { title: 'Tee', line_items: [{ price: c.price, quantity: 1 }] }));
      expect((await visit(limited, l.id as string)).status).toBe(303);
      expect((await visit(limited, l.id as string)).status).toBe(303);
      const third = await visit(limited, l.id as string);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
