import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES } from '../../test/harness.js';
import { advanceTestClock, startReceiver, startWebhookServer, type Receiver, type WebhookTestServer } from '../../test/webhooks-kit.js';
import { EVENT_RETENTION_S, RETENTION_CLOCK_CHECK_EVERY_MS } from './retention.js';

describe.each(ENGINES)('retention sweep (%s)', (engine) => {
  let t: WebhookTestServer;
  let receiver: Receiver;
  beforeAll(async () => {
    t = await startWebhookServer(engine);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await t.server.close();
  });

  it("keeps events 30 days on the merchant's clock, then removes them with their deliveries and attempts", async () => {
    const api = client(t.server, t.server.merchant.keys.sk_test);
    const live = client(t.server, t.server.merchant.keys.sk_live);
    const endpoint = await api.post<{ id: string }>('/v1/webhook_endpoints', { url: receiver.url, enabled_events: ['customer.created'] });
    await api.post('/v1/customers', { email: 'old@example.com' });
    await live.post('/v1/customers', { email: 'live@example.com' });
    await t.tick();
    const count = async (table: string) =>
      Number((await t.server.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('merchant_id', '=', t.server.merchant.id).executeTakeFirst())?.n);
    expect(await count('webhook_attempts')).toBe(1);

    await advanceTestClock(t.server, t.server.merchant.keys.sk_test, EVENT_RETENTION_S - 10);
    await api.post('/v1/customers', { email: 'new@example.com' });
    await t.tick();
    await t.scheduler.runJob('retention');
    expect((await api.get<{ data: unknown[] }>('/v1/events?type=customer.created')).body.data).toHaveLength(2);

    await advanceTestClock(t.server, t.server.merchant.keys.sk_test, 11);
    await t.scheduler.runJob('retention');
    const left = (await api.get<{ data: { data: { object: { email: string } } }[] }>('/v1/events?type=customer.created')).body.data;
    expect(left.map((e) => e.data.object.email)).toEqual(['new@example.com']);
    const attempts = (await api.get<{ data: unknown[] }>(`/v1/webhook_endpoints/${endpoint.body.id}/delivery_attempts`)).body.data;
    expect(attempts).toHaveLength(1);
    expect(await count('webhook_deliveries')).toBe(1);
    // Live mode has no test clock: its event of "today" stays.
    expect((await live.get<{ data: unknown[] }>('/v1/events?type=customer.created')).body.data).toHaveLength(1);
    // The endpoint itself and the customers are not events: they stay.
    expect((await api.get(`/v1/webhook_endpoints/${endpoint.body.id}`)).status).toBe(200);
    expect((await api.get<{ data: unknown[] }>('/v1/customers')).body.data).toHaveLength(2);
  });

  it('a test-clock advance takes old events out at the next check, seconds later, not at the next full sweep', async () => {
    const m = await t.server.newMerchant('Retention clock');
    const api = client(t.server, m.keys.sk_test);
    const live = client(t.server, m.keys.sk_live);
    await api.post('/v1/customers', { email: 'aging@example.com' });
    await live.post('/v1/customers', { email: 'live@example.com' });
    await t.scheduler.tick({ force: true }); // a full sweep now: the next one is ten minutes away
    await advanceTestClock(t.server, m.keys.sk_test, EVENT_RETENTION_S + 5);
    t.clock.advance(RETENTION_CLOCK_CHECK_EVERY_MS / 1000);
    await t.scheduler.tick();
    expect((await api.get<{ data: unknown[] }>('/v1/events?type=customer.created')).body.data).toHaveLength(0);
    expect((await live.get<{ data: unknown[] }>('/v1/events?type=customer.created')).body.data).toHaveLength(1);
  });
});
