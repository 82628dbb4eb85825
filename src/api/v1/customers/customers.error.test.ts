import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';
import { counts, type Counts } from '../../../../test/protocol/support.js';

describe.each(ENGINES)('customers errors (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let customerId: string;
  let before: Counts;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
    customerId = (await api.post('/v1/customers', { name: 'Existing', email: 'e@example.com' })).body.id as string;
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    before = await counts(server);
  });
  const nothingWritten = async () => expect(await counts(server)).toEqual(before);

  it.each([
    [{ email: 'no-at-sign' }, 'email'],
    [{ email: 'a@b' }, 'email'],
    [{ email: `${'a'.repeat(510)}@b.co` }, 'email'],
    [{ name: 'n'.repeat(257) }, 'name'],
    [{ name: 'tab\there' }, 'name'],
    [{ phone: '1'.repeat(41) }, 'phone'],
    [{ description: 'd'.repeat(1001) }, 'description'],
    [{ description: 'nul\u0000' }, 'description'],
    [{ address: { country: 'FRA' } }, 'address[country]'],
    [{ address: { postal_code: 'p'.repeat(51) } }, 'address[postal_code]'],
    [{ address: ['1 Main St'] }, 'address'],
    [{ metadata: { fluveo_id: '1' } }, 'metadata[fluveo_id]'],
  ])('create refuses %j with 400 parameter_invalid, and so does update', async (body, param) => {
    expectError(await api.post('/v1/customers', body), 400, 'parameter_invalid', param);
    expectError(await api.post(`/v1/customers/${customerId}`, body), 400, 'parameter_invalid', param);
    await nothingWritten();
  });

  it.each([
    [{ balance: 100 }, 'balance'],
    [{ shipping: { name: 'x' } }, 'shipping'],
    [{ id: 'cus_custom' }, 'id'],
    [{ livemode: true }, 'livemode'],
    [{ address: { street: 'x' } }, 'address[street]'],
  ])('refuses read-only or unknown %j with 400 parameter_unknown', async (body, param) => {
    expectError(await api.post('/v1/customers', body), 400, 'parameter_unknown', param);
    expectError(await api.post(`/v1/customers/${customerId}`, body), 400, 'parameter_unknown', param);
    await nothingWritten();
  });

  it('answers 404 resource_missing naming id for an unknown customer on every operation', async () => {
    for (const res of [
      await api.get('/v1/customers/cus_unknown'),
      await api.post('/v1/customers/cus_unknown', { name: 'x' }),
      await api.del('/v1/customers/cus_unknown'),
      await api.get('/v1/customers/pi_123'),
    ]) {
      const err = expectError(res, 404, 'resource_missing', 'id');
      expect(err.message).toMatch(/No such customer: '(cus_unknown|pi_123)'/);
    }
    await nothingWritten();
  });

  it('answers an id no object can have like one that does not exist (404), and a control character with 400', async () => {
    for (const bad of ['cus_%C3%A9t%C3%A9', 'cus_a%20b', 'cus-1', 'cus_does-not-exist', '%F0%9F%98%80']) {
      expectError(await api.get(`/v1/customers/${bad}`), 404, 'resource_missing', 'id');
      expectError(await api.post(`/v1/customers/${bad}`, { name: 'x' }), 404, 'resource_missing', 'id');
      expectError(await api.del(`/v1/customers/${bad}`), 404, 'resource_missing', 'id');
    }
    for (const bad of ['cus_%00', 'cus_%0A']) {
      expectError(await api.get(`/v1/customers/${bad}`), 400, 'parameter_invalid', 'id');
      expectError(await api.post(`/v1/customers/${bad}`, { name: 'x' }), 400, 'parameter_invalid', 'id');
      expectError(await api.del(`/v1/customers/${bad}`), 400, 'parameter_invalid', 'id');
    }
    await nothingWritten();
  });

  it('refuses parameters on retrieve and delete other than the documented ones', async () => {
    expectError(await api.get(`/v1/customers/${customerId}?foo=1`), 400, 'parameter_unknown', 'foo');
    expectError(await api.del(`/v1/customers/${customerId}?foo=1`), 400, 'parameter_unknown', 'foo');
    expectError(await api.del(`/v1/customers/${customerId}`, { body: { cascade: true } }), 400, 'parameter_unknown', 'cascade');
    expectError(await api.post(`/v1/customers?limit=5`, { name: 'x' }), 400, 'parameter_unknown', 'limit');
    expect((await api.get(`/v1/customers/${customerId}`)).status).toBe(200);
    await nothingWritten();
  });
});
