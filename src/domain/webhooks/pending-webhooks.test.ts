import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, startTestServer, type TestServer } from '../../../test/harness.js';
import { settlePendingWebhooks } from './pending-webhooks.js';

// An endpoint deleted with tens of thousands of deliveries still owed settles them all: more event ids than either
// engine takes parameters in one statement (SQLite 32,766, PostgreSQL 65,535) are read in chunks.
describe.each(ENGINES)('pending_webhooks settled for many events at once (%s)', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  it('settles 70,000 event ids in one call, changing the ones that exist', async () => {
    const api = client(server, server.merchant.keys.sk_test);
    await api.post('/v1/webhook_endpoints', { url: 'https://example.com/hook', enabled_events: ['customer.created'] });
    const customer = (await api.post('/v1/customers', { email: 'many@example.com' })).body;
    const event = ((await api.get('/v1/events?type=customer.created')).body.data as { id: string; pending_webhooks: number }[])[0];
    expect(event).toMatchObject({ pending_webhooks: 1, data: { object: { id: customer.id } } });
    const settled = new Map<string, number>(Array.from({ length: 70_000 }, (_, i) => [`evt_missing${String(i).padStart(6, '0')}`, 1]));
    settled.set(event!.id, 1);
    const scope = { merchantId: server.merchant.id, livemode: false };
    await server.store.withTransaction((tx) => settlePendingWebhooks(tx, engine, scope, settled));
    expect((await api.get(`/v1/events/${event!.id}`)).body).toMatchObject({ pending_webhooks: 0 });
  });
});
