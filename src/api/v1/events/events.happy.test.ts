import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, startTestServer, type TestServer } from '../../../../test/harness.js';

interface EventBody {
  id: string;
  object: string;
  type: string;
  api_version: string;
  created: number;
  livemode: boolean;
  merchant_id: string;
  pending_webhooks: number;
  data: { object: Record<string, unknown> };
}

describe.each(ENGINES)('events happy path (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let customerId: string;
  let t0: number;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
    t0 = Math.floor(server.clock.nowMs() / 1000);
    customerId = (await api.post('/v1/customers', { name: 'Evented', email: 'ev@example.com' })).body.id as string;
    await api.post('/v1/test_helpers/advance_clock', { seconds: 60 });
    await api.post(`/v1/customers/${customerId}`, { name: 'Renamed' });
    await api.post('/v1/test_helpers/advance_clock', { seconds: 60 });
    await api.del(`/v1/customers/${customerId}`);
  });
  afterAll(() => server.close());

  const list = async (q = '') => ((await api.get<{ data: EventBody[]; has_more: boolean }>(`/v1/events${q}`)).body);

  it('lists the events of a customer newest first, in the documented shape', async () => {
    const page = await list();
    expect(page.data.map((e) => e.type)).toEqual(['customer.deleted', 'customer.updated', 'customer.created']);
    expect(page.data.map((e) => e.created)).toEqual([t0 + 120, t0 + 60, t0]);
    for (const e of page.data) {
      expect(Object.keys(e).sort()).toEqual(['api_version', 'created', 'data', 'id', 'livemode', 'merchant_id', 'object', 'pending_webhooks', 'type']);
      expect(e).toMatchObject({ object: 'event', api_version: '2026-03-09', livemode: false, merchant_id: server.merchant.id, pending_webhooks: 0 });
      expect(e.id).toMatch(/^evt_/);
      expect(e.data.object.id).toBe(customerId);
    }
    expect(page.data[1]!.data.object).toMatchObject({ object: 'customer', name: 'Renamed', email: 'ev@example.com' });
  });

  it('retrieves an event by id exactly as listed', async () => {
    for (const e of (await list()).data) {
      const got = await api.get(`/v1/events/${e.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(e);
    }
  });

  it('filters by type, types[] and created', async () => {
    expect((await list('?type=customer.updated')).data.map((e) => e.type)).toEqual(['customer.updated']);
    expect((await list('?types[]=customer.created&types[]=customer.deleted')).data.map((e) => e.type)).toEqual(['customer.deleted', 'customer.created']);
    expect((await list('?type=payment_intent.succeeded')).data).toEqual([]);
    expect((await list(`?created[gte]=${t0 + 60}`)).data.map((e) => e.type)).toEqual(['customer.deleted', 'customer.updated']);
    expect((await list(`?created[lt]=${t0 + 60}`)).data.map((e) => e.type)).toEqual(['customer.created']);
    expect((await list(`?created=${t0 + 120}&type=customer.deleted`)).data).toHaveLength(1);
    expect((await list(`?created=${t0 + 120}&type=customer.created`)).data).toHaveLength(0);
    const paged = await list('?limit=2');
    expect(paged.has_more).toBe(true);
  });

  it('takes * as a wildcard in type and types[] (a group of events)', async () => {
    const all = ['customer.deleted', 'customer.updated', 'customer.created'];
    expect((await list('?type=customer.*')).data.map((e) => e.type)).toEqual(all);
    expect((await list('?type=*')).data.map((e) => e.type)).toEqual(all);
    expect((await list('?type=*.updated')).data.map((e) => e.type)).toEqual(['customer.updated']);
    expect((await list('?types[]=payment_intent.*&types[]=customer.d*')).data.map((e) => e.type)).toEqual(['customer.deleted']);
    expect((await list('?type=invoice.*')).data).toEqual([]);
    expect((await list('?object=customer&type=customer.*')).data).toHaveLength(3);
    const bad = await api.get('/v1/events?type=customer.%3F');
    expect(bad.status).toBe(400);
  });

  it('filters by the kind of object the events carry (object), alone or with type', async () => {
    const other = await startTestServer(engine);
    try {
      const o = client(other, other.merchant.keys.sk_test);
      const pi = (await o.post('/v1/payment_intents', { amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true })).body.id as string;
      await o.post('/v1/customers', { email: 'kind@example.com' });
      const types = async (q: string) => ((await o.get<{ data: EventBody[] }>(`/v1/events${q}`)).body.data).map((e) => e.type);
      expect(await types('?object=payment_intent')).toEqual(['payment_intent.succeeded', 'payment_intent.created']);
      expect(await types('?object=charge')).toEqual(['charge.succeeded']);
      expect(await types('?object=customer')).toEqual(['customer.created']);
      expect(await types('?object=payment_intent&type=payment_intent.created')).toEqual(['payment_intent.created']);
      expect(await types('?object=charge&type=payment_intent.created')).toEqual([]);
      expect(((await o.get<{ data: EventBody[] }>('/v1/events?object=payment_intent')).body.data)[0]?.data.object.id).toBe(pi);
      const bad = await o.get<{ error: { code: string; param: string } }>('/v1/events?object=spaceship');
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'parameter_invalid', param: 'object' });
    } finally {
      await other.close();
    }
  });

  it('writes one outbox row per transaction, in that transaction, listing its events in the order they happened', async () => {
    const outbox = async () =>
      (await server.store.db
        .selectFrom('event_outbox')
        .select(['event_id', 'more_event_ids', 'merchant_id', 'livemode', 'created'])
        .where('merchant_id', '=', server.merchant.id)
        .execute()) as { event_id: string; more_event_ids: string | null; merchant_id: string; livemode: number; created: number }[];
    // Three requests, one event each: a row each, with no further events.
    const events = (await list('?limit=100')).data;
    const rows = await outbox();
    expect(rows.map((r) => r.event_id).sort()).toEqual(events.map((e) => e.id).sort());
    for (const e of events) {
      const row = rows.find((r) => r.event_id === e.id)!;
      expect(row).toMatchObject({ livemode: 0, created: e.created, more_event_ids: null });
    }

    // One request, three events (created, charge succeeded, succeeded): one row, the first event and then the others.
    const pi = await api.post('/v1/payment_intents', { amount: 1500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    expect(pi.status).toBe(200);
    const piEvents = (await list(`?payment_intent=${String(pi.body.id)}`)).data.reverse();
    expect(piEvents.map((e) => e.type)).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
    const added = (await outbox()).filter((r) => !rows.some((old) => old.event_id === r.event_id));
    expect(added).toEqual([
      {
        event_id: piEvents[0]!.id,
        more_event_ids: `${piEvents[1]!.id},${piEvents[2]!.id}`,
        merchant_id: server.merchant.id,
        livemode: 0,
        created: piEvents[0]!.created,
      },
    ]);
  });
});
