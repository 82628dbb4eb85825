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

  it('writes one outbox row per event, in the same transaction as the change', async () => {
    const events = (await list('?limit=100')).data;
    const rows = (await server.store.db
      .selectFrom('event_outbox')
      .select(['event_id', 'merchant_id', 'livemode', 'created'])
      .where('merchant_id', '=', server.merchant.id)
      .execute()) as { event_id: string; merchant_id: string; livemode: number; created: number }[];
    expect(rows.map((r) => r.event_id).sort()).toEqual(events.map((e) => e.id).sort());
    for (const e of events) {
      const row = rows.find((r) => r.event_id === e.id)!;
      expect(row.livemode).toBe(0);
      expect(row.created).toBe(e.created);
    }
  });
});
