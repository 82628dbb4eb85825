import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type TestServer } from '../../../../test/harness.js';

describe.each(ENGINES)('events errors and security (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let eventId: string;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
    await api.post('/v1/customers', { name: 'Mine' });
    eventId = ((await api.get('/v1/events')).body.data as { id: string }[])[0]!.id;
    await client(server, server.other.keys.sk_test).post('/v1/customers', { name: 'Theirs' });
  });
  afterAll(() => server.close());

  it('answers 404 to another merchant and the other mode, and never lists their events', async () => {
    for (const key of [server.other.keys.sk_test, server.merchant.keys.sk_live]) {
      const intruder = client(server, key);
      expectError(await intruder.get(`/v1/events/${eventId}`), 404, 'resource_missing', 'id');
      const ids = ((await intruder.get('/v1/events?limit=100')).body.data as { id: string }[]).map((e) => e.id);
      expect(ids).not.toContain(eventId);
      expectError(await intruder.get(`/v1/events?starting_after=${eventId}`), 400, 'parameter_invalid', 'starting_after');
    }
  });

  it('refuses publishable keys and bad keys', async () => {
    expectError(await client(server, server.merchant.keys.pk_test).get(`/v1/events/${eventId}`), 401, 'secret_key_required');
    expectError(await client(server, server.merchant.keys.pk_live).get('/v1/events'), 401, 'secret_key_required');
    expectError(await client(server, 'sk_test_nope').get('/v1/events'), 401, 'authentication_failed');
  });

  it('answers precise 400s for bad filters and ids', async () => {
    expectError(await api.get('/v1/events/evt_unknown'), 404, 'resource_missing', 'id');
    expectError(await api.get('/v1/events/evt_%C3%A9'), 404, 'resource_missing', 'id');
    expectError(await api.get('/v1/events/evt_does-not-exist'), 404, 'resource_missing', 'id');
    expectError(await api.get('/v1/events?object=customer&type=charge.succeeded&starting_after=evt_nope'), 400, 'parameter_invalid', 'starting_after');
    expectError(await api.get('/v1/events?type=Customer.Created!'), 400, 'parameter_invalid', 'type');
    expectError(await api.get('/v1/events?type='), 400, 'parameter_invalid', 'type');
    expectError(await api.get(`/v1/events?${Array.from({ length: 21 }, () => 'types[]=a.b').join('&')}`), 400, 'parameter_invalid', 'types');
    expectError(await api.get('/v1/events?payment_intent=cus_123'), 400, 'parameter_invalid', 'payment_intent');
    expectError(await api.get('/v1/events?created[since]=1'), 400, 'parameter_unknown', 'created[since]');
    expectError(await api.get('/v1/events?object=Customer'), 400, 'parameter_invalid', 'object');
    expectError(await api.get('/v1/events?colour=red'), 400, 'parameter_unknown', 'colour');
    expectError(await api.get('/v1/events?limit=0'), 400, 'parameter_invalid', 'limit');
    expectError(await api.get('/v1/events?type=customer.created&types[]=customer.updated'), 400, 'parameter_invalid', 'types');
  });

  it('cannot be written: events are read-only', async () => {
    expectError(await api.post('/v1/events', { type: 'customer.created' }), 404, 'url_invalid');
    expectError(await api.del(`/v1/events/${eventId}`), 404, 'url_invalid');
    expect((await api.get(`/v1/events/${eventId}`)).status).toBe(200);
  });
});
