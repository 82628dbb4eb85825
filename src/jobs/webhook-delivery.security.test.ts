import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError } from '../../test/harness.js';
import { startReceiver, startWebhookServer, type Receiver, type WebhookTestServer } from '../../test/webhooks-kit.js';
import { listObjects } from '../db/objects.js';
import { ATTEMPTS_TABLE } from '../domain/webhooks/list-delivery-attempts.js';
import type { ResolvedAddress } from '../lib/net-policy.js';

describe.each(ENGINES)('webhook delivery safety (%s)', (engine) => {
  let t: WebhookTestServer;
  let receiver: Receiver;
  // The DNS seam: what each hostname resolves to right now.
  const dns = new Map<string, ResolvedAddress[]>();

  beforeAll(async () => {
    t = await startWebhookServer(engine, {
      deps: {
        resolveHost: (host) => {
          const found = dns.get(host);
          return found ? Promise.resolve(found) : Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
        },
      },
    });
  });
  afterAll(() => t.server.close());
  afterEach(() => receiver?.close());

  it('refuses at delivery a live endpoint whose host now resolves to a loopback address (DNS rebinding), and retries', async () => {
    receiver = await startReceiver();
    const live = client(t.server, t.server.merchant.keys.sk_live);
    dns.set('hooks.shop.example', [{ address: '93.184.216.34', family: 4 }]);
    const endpoint = await live.post<{ id: string }>('/v1/webhook_endpoints', { url: 'https://hooks.shop.example/webhooks', enabled_events: ['customer.created'] });
    expect(endpoint.status).toBe(200);
    dns.set('hooks.shop.example', [{ address: '127.0.0.1', family: 4 }]);
    await live.post('/v1/customers', { email: 'live@example.com' });
    await t.tick();
    type A = { status: string; failure_code: string; failure_reason: string; next_attempt_at: number | null; created: number };
    // Delivery history is served in test mode only (live keys: 400 test_mode_only); the stored attempts tell.
    expectError(await live.get(`/v1/webhook_endpoints/${endpoint.body.id}/delivery_attempts`), 400, 'test_mode_only');
    const liveAttempts = async () => {
      const page = await listObjects<A>(t.server.store.db, ATTEMPTS_TABLE, { merchantId: t.server.merchant.id, livemode: true }, [{ column: 'endpoint_id', op: '=', value: endpoint.body.id }], { limit: 100 });
      return page.data;
    };
    const attempts = await liveAttempts();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 'failed', failure_code: 'destination_rejected' });
    expect(attempts[0]!.failure_reason).toMatch(/loopback/);
    expect(attempts[0]!.next_attempt_at! - attempts[0]!.created).toBe(60);
    expect(receiver.received).toHaveLength(0);
    // Live mode follows real time: a minute later the next attempt is checked again.
    t.clock.advance(60);
    await t.tick();
    expect(await liveAttempts()).toHaveLength(2);
    await live.del(`/v1/webhook_endpoints/${endpoint.body.id}`);
  });

  it('refuses private, loopback and link-local live targets at create and update (literal or resolved)', async () => {
    const live = client(t.server, t.server.merchant.keys.sk_live);
    dns.set('internal.corp.example', [{ address: '10.1.2.3', family: 4 }]);
    dns.set('v6.corp.example', [
      { address: '2606:4700::1', family: 6 },
      { address: 'fd00::5', family: 6 },
    ]);
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost/hook',
      'http://[::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://192.168.1.10/hook',
      'http://2130706433/hook',
      'https://internal.corp.example/hook',
      'https://v6.corp.example/hook',
      'http://0.0.0.0/hook',
    ]) {
      const res = await live.post('/v1/webhook_endpoints', { url, enabled_events: ['*'] });
      expectError(res, 400, 'parameter_invalid', 'url');
    }
    dns.set('public.example', [{ address: '93.184.216.34', family: 4 }]);
    const ok = await live.post<{ id: string }>('/v1/webhook_endpoints', { url: 'https://public.example/hook', enabled_events: ['*'] });
    expect(ok.status).toBe(200);
    expectError(await live.post(`/v1/webhook_endpoints/${ok.body.id}`, { url: 'http://10.0.0.1/hook' }), 400, 'parameter_invalid', 'url');
    expect((await live.get<{ url: string }>(`/v1/webhook_endpoints/${ok.body.id}`)).body.url).toBe('https://public.example/hook');
    await live.del(`/v1/webhook_endpoints/${ok.body.id}`);
  });

  it('allows loopback and private targets in test mode, but not link-local', async () => {
    const test = client(t.server, t.server.merchant.keys.sk_test);
    for (const url of ['http://127.0.0.1:3000/hook', 'http://localhost:3000/webhooks', 'http://192.168.1.10/hook']) {
      const res = await test.post<{ id: string }>('/v1/webhook_endpoints', { url, enabled_events: ['*'] });
      expect(res.status).toBe(200);
      await test.del(`/v1/webhook_endpoints/${res.body.id}`);
    }
    expectError(await test.post('/v1/webhook_endpoints', { url: 'http://169.254.169.254/', enabled_events: ['*'] }), 400, 'parameter_invalid', 'url');
  });

  it('keeps modes apart: a test endpoint never receives live events', async () => {
    receiver = await startReceiver();
    const test = client(t.server, t.server.merchant.keys.sk_test);
    const live = client(t.server, t.server.merchant.keys.sk_live);
    const endpoint = await test.post<{ id: string }>('/v1/webhook_endpoints', { url: receiver.url, enabled_events: ['*'] });
    await t.tick();
    receiver.received.length = 0;
    await live.post('/v1/customers', { email: 'live-only@example.com' });
    await t.tick();
    expect(receiver.received).toHaveLength(0);
    await test.post('/v1/customers', { email: 'test-only@example.com' });
    await t.tick();
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { livemode: boolean }).livemode)).toEqual([false]);
    await test.del(`/v1/webhook_endpoints/${endpoint.body.id}`);
  });
});

describe.each(ENGINES)('WEBHOOK_ALLOW_PRIVATE=true (%s)', (engine) => {
  let t: WebhookTestServer;
  beforeAll(async () => {
    t = await startWebhookServer(engine, { env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
  });
  afterAll(() => t.server.close());

  it('lets the operator deliver live events to a loopback receiver', async () => {
    const receiver = await startReceiver();
    try {
      const live = client(t.server, t.server.merchant.keys.sk_live);
      const res = await live.post('/v1/webhook_endpoints', { url: receiver.url, enabled_events: ['customer.created'] });
      expect(res.status).toBe(200);
      await live.post('/v1/customers', { email: 'ops@example.com' });
      await t.tick();
      expect(receiver.received).toHaveLength(1);
      expect((JSON.parse(receiver.received[0]!.body) as { livemode: boolean }).livemode).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});
