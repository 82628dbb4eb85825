import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, request, type TestServer } from '../../../../test/harness.js';
import { confirm, embeddedSession, ok, sessionBody, type Api, type Catalog, type Obj, startCheckoutServer } from './checkout-fixtures.js';

describe.each(ENGINES)('checkout sessions security (%s)', (engine) => {
  let server: TestServer;
  let api: Api;
  let pk: Api;
  let cat: Catalog;
  let session: Obj;
  let embedded: Obj;
  beforeAll(async () => {
    ({ server, api, pk, cat } = await startCheckoutServer(engine));
    session = await ok(api.post('/v1/checkout/sessions', sessionBody(cat)));
    embedded = await embeddedSession(api, cat);
  });
  afterAll(() => server.close());

  it("another merchant's or the other mode's keys see nothing: 404 like an unknown id, empty lists", async () => {
    const id = session.id as string;
    for (const key of [server.other.keys.sk_test, server.merchant.keys.sk_live]) {
      const stranger = client(server, key);
      for (const base of ['/v1/checkout/sessions', '/v1/checkout_sessions']) {
        const unknown = await stranger.get(`${base}/cs_doesnotexist`);
        const foreign = await stranger.get(`${base}/${id}`);
        expectError(foreign, 404, 'resource_missing', 'id');
        expect(foreign.text.replace(id, 'X')).toBe(unknown.text.replace('cs_doesnotexist', 'X'));
        expectError(await stranger.get(`${base}/${id}/line_items`), 404, 'resource_missing', 'id');
        expectError(await stranger.post(`${base}/${id}`, { metadata: { a: 'b' } }), 404, 'resource_missing', 'id');
        expectError(await stranger.post(`${base}/${id}/expire`, {}), 404, 'resource_missing', 'id');
        expect((await ok(stranger.get<{ data: Obj[] }>(`${base}?payment_intent=${session.payment_intent as string}`))).data).toEqual([]);
        expectError(await stranger.get(`${base}?starting_after=${id}`), 400, 'parameter_invalid', 'starting_after');
      }
      const foreignClient = client(server, key === server.other.keys.sk_test ? server.other.keys.pk_test : server.merchant.keys.pk_live);
      expectError(await foreignClient.get(`/v1/checkout/sessions/${embedded.id as string}/client?client_secret=${embedded.client_secret as string}`), 404, 'resource_missing', 'id');
      expectError(await confirm(foreignClient, embedded, { payment_method: 'pm_card_visa' }), 404, 'resource_missing', 'id');
    }
    expect((await ok(api.get(`/v1/checkout/sessions/${id}`))).status).toBe('open');
    expect((await ok(api.get(`/v1/checkout/sessions/${embedded.id as string}`))).status).toBe('open');
  });

  it('a price, customer or shipping rate of another merchant cannot be used', async () => {
    const other = client(server, server.other.keys.sk_test);
    const otherCustomer = await ok(other.post('/v1/customers', { email: 'o@example.com' }));
    const otherRate = await ok(other.post('/v1/shipping_rates', { display_name: 'O', fixed_amount: { amount: 100, currency: 'usd' } }));
    expectError(await api.post('/v1/checkout/sessions', sessionBody(cat, { customer: otherCustomer.id })), 404, 'resource_missing', 'customer');
    expectError(await api.post('/v1/checkout/sessions', sessionBody(cat, { shipping_options: [{ shipping_rate: otherRate.id }] })), 404, 'resource_missing', 'shipping_options[0][shipping_rate]');
    expectError(
      await api.post('/v1/checkout/sessions', sessionBody(cat, { line_items: [{ price_data: { currency: 'usd', unit_amount: 100, product: 'prod_x' }, quantity: 1 }] })),
      404,
      'resource_missing',
      'line_items[0][price_data][product]',
    );
  });

  it('publishable keys only reach the client-side calls; missing keys are refused', async () => {
    const id = session.id as string;
    for (const base of ['/v1/checkout/sessions', '/v1/checkout_sessions']) {
      expectError(await pk.post(base, sessionBody(cat)), 401, 'secret_key_required');
      expectError(await pk.get(base), 401, 'secret_key_required');
      expectError(await pk.get(`${base}/${id}`), 401, 'secret_key_required');
      expectError(await pk.post(`${base}/${id}`, { metadata: { a: 'b' } }), 401, 'secret_key_required');
      expectError(await pk.post(`${base}/${id}/expire`, {}), 401, 'secret_key_required');
      expectError(await pk.get(`${base}/${id}/line_items`), 401, 'secret_key_required');
    }
    expectError(await request(server, 'GET', `/v1/checkout/sessions/${embedded.id as string}/client?client_secret=${embedded.client_secret as string}`), 401, 'authentication_failed');
    expectError(await request(server, 'POST', `/v1/checkout/sessions/${embedded.id as string}/client/confirm`, { body: { client_secret: embedded.client_secret } }), 401, 'authentication_failed');
  });

  it('a wrong client_secret answers exactly like an unknown session, and touches nothing', async () => {
    const id = embedded.id as string;
    const other = await embeddedSession(api, cat);
    const unknown = await pk.get(`/v1/checkout/sessions/cs_unknown/client?client_secret=x`);
    expectError(unknown, 404, 'resource_missing', 'id');
    const secrets = [`${id}_secret_wrong`, other.client_secret as string, (embedded.client_secret as string).slice(0, -1), (embedded.client_secret as string) + 'x'];
    for (const secret of secrets) {
      const res = await pk.get(`/v1/checkout/sessions/${id}/client?client_secret=${encodeURIComponent(secret)}`);
      expectError(res, 404, 'resource_missing', 'id');
      expect(res.text.replace(id, 'X')).toBe(unknown.text.replace('cs_unknown', 'X'));
      expectError(await confirm(pk, { id, client_secret: secret }, { payment_method: 'pm_card_visa' }), 404, 'resource_missing', 'id');
      expectError(await pk.post(`/v1/checkout_sessions/${id}/client`, { client_secret: secret, email: 'x@example.com' }), 404, 'resource_missing', 'id');
    }
    expectError(await pk.get(`/v1/checkout/sessions/${id}/client`), 400, 'parameter_missing', 'client_secret');
    // A hosted session has no client secret: the client-side API does not know it.
    expectError(await pk.get(`/v1/checkout/sessions/${session.id as string}/client?client_secret=null`), 404, 'resource_missing', 'id');
    expect((await ok(api.get<{ data: Obj[] }>(`/v1/charges?payment_intent=${embedded.payment_intent as string}`))).data).toEqual([]);
    expect((await ok(api.get(`/v1/checkout/sessions/${id}`))).status).toBe('open');
  });

  it('idempotency: a replayed create returns the same session and makes one intent; a reused key with another body is refused', async () => {
    const body = sessionBody(cat, { client_reference_id: 'idem-1' });
    const a = await api.post('/v1/checkout/sessions', body, { idempotencyKey: 'cs-create-1' });
    const b = await api.post('/v1/checkout/sessions', body, { idempotencyKey: 'cs-create-1' });
    expect(a.status).toBe(200);
    expect(b.text).toBe(a.text);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const listed = await ok(api.get<{ data: Obj[] }>('/v1/checkout/sessions?limit=100'));
    expect(listed.data.filter((s) => s.client_reference_id === 'idem-1')).toHaveLength(1);
    expectError(await api.post('/v1/checkout/sessions', sessionBody(cat, { client_reference_id: 'idem-2' }), { idempotencyKey: 'cs-create-1' }), 422, 'idempotency_key_reused');
    // The other path is another request: the same key there is a different fingerprint.
    expectError(await api.post('/v1/checkout_sessions', body, { idempotencyKey: 'cs-create-1' }), 422, 'idempotency_key_reused');
    expectError(await api.post('/v1/checkout/sessions', body, { idempotencyKey: null }), 400, 'parameter_missing', 'Idempotency-Key');
  });
});
