import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, startTestServer, type TestServer } from '../harness.js';

describe.each(ENGINES)('operations endpoints (%s)', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('exposes Prometheus metrics by route pattern and status, with queue gauges', async () => {
    const api = client(server, server.merchant.keys.sk_test);
    const created = await api.post('/v1/customers', { email: 'm@example.com' });
    await api.get(`/v1/customers/${created.body.id as string}`);
    await api.get('/v1/customers/cus_doesnotexist');
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('railyard_http_requests_total{method="POST",route="/v1/customers",status="200"} 1');
    expect(text).toContain('railyard_http_requests_total{method="GET",route="/v1/customers/:id",status="404"} 1');
    expect(text).toMatch(/railyard_http_request_duration_seconds_bucket\{method="GET",route="\/v1\/customers\/:id",le="\+Inf"\} 2/);
    expect(text).toMatch(/railyard_webhook_deliveries_pending \d+/);
    expect(text).toMatch(/railyard_event_outbox_pending \d+/);
    expect(text).toMatch(/railyard_checkout_expiry_lag_seconds \d+/);
    expect(text).not.toContain('cus_');
  });
});
