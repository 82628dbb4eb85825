import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, startTestServer, type ApiResponse, type TestServer } from '../harness.js';
import { counts } from './support.js';

/**
 * decisions.md §2: an id of another merchant or of the other mode answers exactly like an id that does not exist,
 * also through cursors and filters.
 */
describe.each(ENGINES)('tenant and mode isolation (%s)', (engine) => {
  let server: TestServer;
  let a: ReturnType<typeof client>;
  let aLive: ReturnType<typeof client>;
  let b: ReturnType<typeof client>;
  let customerId: string;
  let eventId: string;
  let original: Record<string, unknown>;

  beforeAll(async () => {
    server = await startTestServer(engine);
    a = client(server, server.merchant.keys.sk_test);
    aLive = client(server, server.merchant.keys.sk_live);
    b = client(server, server.other.keys.sk_test);
    const created = await a.post('/v1/customers', { email: 'iso@example.com', name: 'Isolated', metadata: { k: 'v' } });
    expect(created.status).toBe(200);
    original = created.body;
    customerId = created.body.id as string;
    const events = await a.get('/v1/events');
    eventId = (events.body.data as { id: string }[])[0]!.id;
    // Both other tenants hold objects of their own, so an empty list would prove nothing.
    await b.post('/v1/customers', { email: 'iso@example.com', name: 'B' });
    await aLive.post('/v1/customers', { email: 'iso@example.com', name: 'A live' });
  });
  afterAll(() => server.close());

  /** The error as a caller sees it, with the id it names replaced: the shape must not depend on whose id it was. */
  const shape = (res: ApiResponse, id: string) => {
    const err = expectError(res, 404, 'resource_missing', 'id');
    return { status: res.status, ...err, message: String(err.message).replace(id, '<id>') };
  };

  it('answers 404 resource_missing (param id) to the other merchant and the other mode, exactly like a missing id', async () => {
    const missing = 'cus_doesnotexist000000000000';
    const expected = {
      retrieve: shape(await a.get(`/v1/customers/${missing}`), missing),
      update: shape(await a.post(`/v1/customers/${missing}`, { name: 'x' }), missing),
      remove: shape(await a.del(`/v1/customers/${missing}`), missing),
    };
    const before = await counts(server);
    for (const intruder of [b, aLive]) {
      expect(shape(await intruder.get(`/v1/customers/${customerId}`), customerId)).toEqual(expected.retrieve);
      expect(shape(await intruder.post(`/v1/customers/${customerId}`, { name: 'hijacked', metadata: { x: 'y' } }), customerId)).toEqual(expected.update);
      expect(shape(await intruder.del(`/v1/customers/${customerId}`), customerId)).toEqual(expected.remove);
    }
    expect(await counts(server)).toEqual(before);
    expect((await a.get(`/v1/customers/${customerId}`)).body).toEqual(original);
  });

  it('isolates events: retrieve answers 404 and lists never show another tenant or mode', async () => {
    expect((await a.get(`/v1/events/${eventId}`)).status).toBe(200);
    for (const intruder of [b, aLive]) {
      expect(shape(await intruder.get(`/v1/events/${eventId}`), eventId)).toEqual(
        shape(await a.get('/v1/events/evt_doesnotexist0000000000000'), 'evt_doesnotexist0000000000000'),
      );
      const list = await intruder.get('/v1/events?limit=100&type=customer.created');
      const ids = (list.body.data as { id: string; data: { object: { id: string } } }[]).map((e) => e.data.object.id);
      expect(ids).toHaveLength(1);
      expect(ids).not.toContain(customerId);
    }
  });

  it('never lists another tenant’s or mode’s customers, also through the email filter', async () => {
    const mine = await a.get('/v1/customers?limit=100');
    expect((mine.body.data as { id: string }[]).map((c) => c.id)).toEqual([customerId]);
    for (const intruder of [b, aLive]) {
      for (const path of ['/v1/customers?limit=100', '/v1/customers?email=iso%40example.com']) {
        const list = await intruder.get(path);
        expect(list.status).toBe(200);
        const ids = (list.body.data as { id: string; livemode: boolean }[]).map((c) => c.id);
        expect(ids).toHaveLength(1);
        expect(ids).not.toContain(customerId);
      }
    }
  });

  it('refuses a cursor that is not the caller’s with 400 parameter_invalid', async () => {
    for (const intruder of [b, aLive]) {
      expectError(await intruder.get(`/v1/customers?starting_after=${customerId}`), 400, 'parameter_invalid', 'starting_after');
      expectError(await intruder.get(`/v1/customers?ending_before=${customerId}`), 400, 'parameter_invalid', 'ending_before');
      expectError(await intruder.get(`/v1/events?starting_after=${eventId}`), 400, 'parameter_invalid', 'starting_after');
      expectError(await intruder.get(`/v1/events?ending_before=${eventId}`), 400, 'parameter_invalid', 'ending_before');
    }
    // The same answer as a cursor that exists nowhere.
    expectError(await a.get('/v1/customers?starting_after=cus_nowhere'), 400, 'parameter_invalid', 'starting_after');
    // The owner pages from it normally.
    expect((await a.get(`/v1/customers?starting_after=${customerId}`)).status).toBe(200);
  });
});
