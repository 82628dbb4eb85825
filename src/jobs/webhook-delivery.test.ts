import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES } from '../../test/harness.js';
import { advanceTestClock, independentlyVerify, startReceiver, startWebhookServer, type Receiver, type WebhookTestServer } from '../../test/webhooks-kit.js';
import { MAX_ATTEMPTS, RETRY_LADDER_S, WebhookWorker } from './webhook-delivery.js';

interface Attempt {
  attempt: number;
  status: string;
  created: number;
  failure_code: string | null;
  failure_reason: string | null;
  response_status: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  next_attempt_at: number | null;
  event_id: string;
}

describe.each(ENGINES)('webhook delivery (%s)', (engine) => {
  let t: WebhookTestServer;
  let receiver: Receiver;
  let api: ReturnType<typeof client>;
  const key = () => t.server.merchant.keys.sk_test;

  beforeAll(async () => {
    t = await startWebhookServer(engine);
    api = client(t.server, key());
  });
  afterAll(() => t.server.close());
  afterEach(async () => {
    await receiver?.close();
    // Each test starts with no endpoints, so events of one test are not delivered to the next.
    const list = await api.get<{ data: { id: string }[] }>('/v1/webhook_endpoints?limit=100');
    for (const e of list.body.data) await api.del(`/v1/webhook_endpoints/${e.id}`);
    await t.tick();
  });

  async function endpointFor(url: string, enabled_events: string[] = ['customer.created']) {
    const res = await api.post<{ id: string; secret: string }>('/v1/webhook_endpoints', { url, enabled_events });
    expect(res.status).toBe(200);
    return res.body;
  }

  async function attemptsOf(endpointId: string): Promise<Attempt[]> {
    const res = await api.get<{ data: Attempt[] }>(`/v1/webhook_endpoints/${endpointId}/delivery_attempts`);
    expect(res.status).toBe(200);
    // Every attempt shows its outcome under both names.
    for (const a of res.body.data as (Attempt & { result?: string })[]) expect(a.result).toBe(a.status);
    return res.body.data;
  }

  it('POSTs the event with the documented headers and a signature an independent verifier accepts', async () => {
    receiver = await startReceiver();
    const endpoint = await endpointFor(receiver.url);
    const customer = await api.post<{ id: string }>('/v1/customers', { email: 'hook@example.com' });
    const event = (await api.get<{ data: { id: string; pending_webhooks: number }[] }>('/v1/events?type=customer.created&limit=1')).body.data[0]!;
    expect(event.pending_webhooks).toBe(1);

    await t.tick();
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['user-agent']).toBe('Fluveo-Webhooks/1.0');
    expect(got.headers['webhook-id']).toBe(event.id);
    expect(got.headers['x-signature']).toBe(got.headers['fluveo-signature']);
    const nowS = Math.floor(t.clock.nowMs() / 1000);
    expect(independentlyVerify(got.headers['fluveo-signature'] as string, got.body, endpoint.secret, nowS)).toBe(true);
    expect(independentlyVerify(got.headers['fluveo-signature'] as string, `${got.body} `, endpoint.secret, nowS)).toBe(false);
    expect(independentlyVerify(got.headers['fluveo-signature'] as string, got.body, 'whsec_wrong', nowS)).toBe(false);
    const payload = JSON.parse(got.body) as Record<string, unknown>;
    expect(payload).toMatchObject({ id: event.id, object: 'event', type: 'customer.created', livemode: false, api_version: '2026-03-09' });
    expect((payload.data as { object: { id: string } }).object.id).toBe(customer.body.id);

    const after = await api.get<{ pending_webhooks: number }>(`/v1/events/${event.id}`);
    expect(after.body.pending_webhooks).toBe(0);
    const [attempt] = await attemptsOf(endpoint.id);
    expect(attempt).toMatchObject({ attempt: 1, status: 'succeeded', response_status: 200, failure_code: null, response_excerpt: 'ok', next_attempt_at: null });

    // Nothing more is sent: the delivery is done.
    await t.tick();
    expect(receiver.received).toHaveLength(1);
  });

  it('follows the whole ladder on the merchant test clock: 8 attempts at the exact gaps, then failed', async () => {
    receiver = await startReceiver(() => ({ kind: 'status', status: 503, body: 'down for maintenance' }));
    const endpoint = await endpointFor(receiver.url);
    await api.post('/v1/customers', { email: 'ladder@example.com' });
    const eventId = (await api.get<{ data: { id: string }[] }>('/v1/events?type=customer.created&limit=1')).body.data[0]!.id;

    await t.tick();
    expect(receiver.received).toHaveLength(1);
    for (const [i, gap] of RETRY_LADDER_S.entries()) {
      await advanceTestClock(t.server, key(), gap - 1);
      await t.tick();
      expect(receiver.received, `attempt ${i + 2} must wait the full ${gap}s`).toHaveLength(i + 1);
      await advanceTestClock(t.server, key(), 1);
      await t.tick();
      expect(receiver.received).toHaveLength(i + 2);
      expect((await api.get<{ pending_webhooks: number }>(`/v1/events/${eventId}`)).body.pending_webhooks).toBe(i + 2 < MAX_ATTEMPTS ? 1 : 0);
    }
    expect(receiver.received).toHaveLength(MAX_ATTEMPTS);
    // The ladder spans under 7 days, so the history still shows every attempt.
    const attempts = (await attemptsOf(endpoint.id)).reverse();
    // Failed for good: a year later nothing more is sent.
    await advanceTestClock(t.server, key(), 365 * 24 * 3600);
    await t.tick();
    expect(receiver.received).toHaveLength(MAX_ATTEMPTS);

    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(attempts.every((a) => a.status === 'failed' && a.failure_code === 'http_error' && a.response_status === 503)).toBe(true);
    expect(attempts[0]!.response_excerpt).toBe('down for maintenance');
    const gaps = attempts.slice(1).map((a, i) => a.created - attempts[i]!.created);
    expect(gaps).toEqual([...RETRY_LADDER_S]);
    expect(attempts.slice(0, -1).map((a) => a.next_attempt_at! - a.created)).toEqual([...RETRY_LADDER_S]);
    expect(attempts.at(-1)!.next_attempt_at).toBeNull();
    // Every attempt carried the same event id (receivers deduplicate on it).
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([eventId]));
  });

  it('shows the last 20 attempts of the last 7 days, newest first, and takes no query parameter', async () => {
    receiver = await startReceiver();
    const endpoint = await endpointFor(receiver.url);
    for (let i = 0; i < 22; i++) await api.post('/v1/customers', { email: `history${i}@example.com` });
    await t.tick();
    expect(receiver.received).toHaveLength(22);
    const page = await api.get<{ data: Attempt[]; has_more: boolean }>(`/v1/webhook_endpoints/${endpoint.id}/delivery_attempts`);
    expect(page.body.data).toHaveLength(20);
    expect(page.body.has_more).toBe(true);
    const created = page.body.data.map((a) => a.created);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    for (const query of ['limit=5', 'starting_after=wha_1', 'event=evt_1', 'expand[]=data.event']) {
      const res = await api.get<{ error: { type: string; code: string; param: string } }>(`/v1/webhook_endpoints/${endpoint.id}/delivery_attempts?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_unknown', param: query.split(/[=[]/)[0] });
    }
    await advanceTestClock(t.server, key(), 7 * 24 * 3600 + 1);
    expect(await attemptsOf(endpoint.id)).toEqual([]);
  });

  it('records 301, a hang and a closed socket as failed attempts with reasons, retries them, and takes a 2xx with a 10 MB body as delivered', async () => {
    const script: Record<number, import('../../test/webhooks-kit.js').Behaviour> = {
      0: { kind: 'status', status: 301, headers: { location: 'https://elsewhere.example/hook' } },
      1: { kind: 'hang' },
      2: { kind: 'destroy' },
      3: { kind: 'huge', bytes: 10 * 1024 * 1024 },
    };
    receiver = await startReceiver((_r, i) => script[i] ?? { kind: 'status', status: 204 });
    // A worker with a short timeout stands in for the 30 s limit.
    const worker = new WebhookWorker(t.deps, { timeoutMs: 300 });
    const pass = async () => {
      await worker.run();
      await worker.drain();
    };
    {
      const endpoint = await endpointFor(receiver.url);
      await api.post('/v1/customers', { email: 'bad-receiver@example.com' });
      await pass();
      for (const gap of RETRY_LADDER_S.slice(0, 3)) {
        await advanceTestClock(t.server, key(), gap);
        await pass();
      }
      expect(receiver.received).toHaveLength(4);
      const attempts = (await attemptsOf(endpoint.id)).reverse();
      expect(attempts.map((a) => [a.attempt, a.status, a.failure_code])).toEqual([
        [1, 'failed', 'http_error'],
        [2, 'failed', 'timeout'],
        [3, 'failed', 'connection_failed'],
        [4, 'succeeded', null],
      ]);
      expect(attempts[0]!.response_status).toBe(301);
      expect(attempts[0]!.failure_reason).toMatch(/301.*elsewhere\.example.*not followed/);
      expect(attempts[1]!.failure_reason).toMatch(/300 ms/);
      expect(attempts[1]!.latency_ms).toBeGreaterThanOrEqual(250);
      expect(attempts[2]!.failure_reason).toMatch(/connection|closed|socket|ECONNRESET/i);
      // A 2xx is a delivery whatever follows it: the 10 MB body is cut off unread.
      expect(attempts[3]!.response_status).toBe(200);
      expect(attempts[3]!.response_excerpt!.length).toBeLessThanOrEqual(1024);
    }
  });

  it('redelivers after a crash mid-delivery: the abandoned lease expires and another worker delivers', async () => {
    receiver = await startReceiver();
    const endpoint = await endpointFor(receiver.url);
    await api.post('/v1/customers', { email: 'crash@example.com' });
    await t.worker.fanOut();
    // A worker claims the delivery and "crashes": it never sends nor records anything.
    const doomed = new WebhookWorker(t.deps, { workerId: 'doomed', leaseMs: 60_000 });
    const claimed = await doomed.claim(10);
    expect(claimed).toHaveLength(1);
    // While the lease holds, nobody else takes it.
    await t.tick();
    expect(receiver.received).toHaveLength(0);
    expect(await t.worker.claim(10)).toHaveLength(0);
    // After the lease, the live worker delivers it, as attempt 1.
    t.clock.advance(61);
    await t.tick();
    expect(receiver.received).toHaveLength(1);
    const attempts = await attemptsOf(endpoint.id);
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([[1, 'succeeded']]);
  });

  it('signs with both secrets during a rotation overlap, then with the new one only', async () => {
    receiver = await startReceiver();
    const endpoint = await endpointFor(receiver.url);
    const rotated = await api.post<{ secret: string; previous_secret_expires_at: number }>(`/v1/webhook_endpoints/${endpoint.id}/rotate_secret`, {
      expires_in_hours: 2,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    await api.post('/v1/customers', { email: 'rotate@example.com' });
    await t.tick();
    const first = receiver.received[0]!;
    const header = first.headers['fluveo-signature'] as string;
    expect(header.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
    const nowS = Math.floor(t.clock.nowMs() / 1000);
    expect(independentlyVerify(header, first.body, endpoint.secret, nowS)).toBe(true);
    expect(independentlyVerify(header, first.body, rotated.body.secret, nowS)).toBe(true);

    await advanceTestClock(t.server, key(), 2 * 3600);
    await api.post('/v1/customers', { email: 'rotate2@example.com' });
    await t.tick();
    const second = receiver.received[1]!;
    const header2 = second.headers['fluveo-signature'] as string;
    expect(header2.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(1);
    expect(independentlyVerify(header2, second.body, rotated.body.secret, nowS)).toBe(true);
    expect(independentlyVerify(header2, second.body, endpoint.secret, nowS)).toBe(false);
  });

  it('delivers only to enabled endpoints of the same merchant and mode that subscribe to the type (or *)', async () => {
    receiver = await startReceiver();
    await endpointFor(`${receiver.url}?which=wanted`, ['customer.created']);
    await endpointFor(`${receiver.url}?which=star`, ['*']);
    await endpointFor(`${receiver.url}?which=other-type`, ['customer.deleted']);
    const disabled = await endpointFor(`${receiver.url}?which=disabled`, ['*']);
    await api.post(`/v1/webhook_endpoints/${disabled.id}`, { disabled: true });
    const otherMerchant = client(t.server, t.server.other.keys.sk_test);
    await otherMerchant.post('/v1/webhook_endpoints', { url: `${receiver.url}?which=other-merchant`, enabled_events: ['*'] });

    await t.tick(); // deliver the endpoint events so far
    receiver.received.length = 0;
    await api.post('/v1/customers', { email: 'fanout@example.com' });
    const event = (await api.get<{ data: { id: string; pending_webhooks: number }[] }>('/v1/events?type=customer.created&limit=1')).body.data[0]!;
    expect(event.pending_webhooks).toBe(2);
    await t.tick();
    const which = receiver.received.filter((r) => r.headers['webhook-id'] === event.id).map((r) => new URL(r.url, 'http://x').searchParams.get('which'));
    expect(which.sort()).toEqual(['star', 'wanted']);
    const otherList = await otherMerchant.get<{ data: { id: string }[] }>('/v1/webhook_endpoints');
    for (const e of otherList.body.data) await otherMerchant.del(`/v1/webhook_endpoints/${e.id}`);
  });

  it('takes an event out of the outbox in the transaction that fans it out; a failed fan-out leaves it there', async () => {
    receiver = await startReceiver();
    await endpointFor(receiver.url, ['customer.created']);
    await t.tick();
    receiver.received.length = 0;
    const db = t.server.store.db;
    const outboxOf = async (eventId: string) =>
      (await db.selectFrom('event_outbox').select('event_id').where('event_id', '=', eventId).execute()).length;
    await api.post('/v1/customers', { email: 'outbox@example.com' });
    const event = (await api.get<{ data: { id: string }[] }>('/v1/events?type=customer.created&limit=1')).body.data[0]!;
    expect(await outboxOf(event.id)).toBe(1);

    // The deliveries cannot be written: the pass fails and the event stays in the outbox, undelivered.
    await db.schema.alterTable('webhook_deliveries').renameTo('webhook_deliveries_away').execute();
    try {
      await expect(t.worker.fanOut()).rejects.toThrow();
    } finally {
      await db.schema.alterTable('webhook_deliveries_away').renameTo('webhook_deliveries').execute();
    }
    expect(await outboxOf(event.id)).toBe(1);
    expect(receiver.received).toHaveLength(0);

    await t.tick();
    expect(await outboxOf(event.id)).toBe(0);
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([event.id]);
  });

  it('delivers each event of a transaction that recorded several (one outbox row for them), each once', async () => {
    receiver = await startReceiver();
    await endpointFor(receiver.url, ['*']);
    await t.tick();
    receiver.received.length = 0;
    const pi = await api.post<{ id: string }>('/v1/payment_intents', { amount: 1200, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    expect(pi.status).toBe(200);
    const events = (await api.get<{ data: { id: string; type: string }[] }>(`/v1/events?payment_intent=${pi.body.id}`)).body.data.reverse();
    expect(events.map((e) => e.type)).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
    const rows = await t.server.store.db.selectFrom('event_outbox').select(['event_id', 'more_event_ids']).execute();
    expect(rows).toEqual([{ event_id: events[0]!.id, more_event_ids: `${events[1]!.id},${events[2]!.id}` }]);

    await t.tick();
    await t.tick();
    expect(await t.server.store.db.selectFrom('event_outbox').select('event_id').execute()).toEqual([]);
    expect(receiver.received.map((r) => r.headers['webhook-id']).sort()).toEqual(events.map((e) => e.id).sort());
    for (const e of events) {
      const got = await api.get<{ pending_webhooks: number }>(`/v1/events/${e.id}`);
      expect(got.body.pending_webhooks).toBe(0);
    }
  });

  it("settles each event's pending_webhooks by its own count when one recording covers several events", async () => {
    receiver = await startReceiver();
    const failing = await startReceiver(() => ({ kind: 'status', status: 500, body: 'down' }));
    try {
      await endpointFor(receiver.url, ['*']);
      await endpointFor(failing.url, ['customer.created']);
      const customer = await api.post<{ id: string }>('/v1/customers', { email: 'settle@example.com' });
      await api.post(`/v1/customers/${customer.body.id}`, { name: 'Settled' });
      const events = (await api.get<{ data: { id: string; type: string; pending_webhooks: number }[] }>('/v1/events?limit=2')).body.data;
      const created = events.find((e) => e.type === 'customer.created')!;
      const updated = events.find((e) => e.type === 'customer.updated')!;
      await t.tick();
      await t.tick();
      // customer.created: owed to both endpoints, the failing one still owed (it retries); customer.updated: owed to
      // one, delivered. The JSON body and the column agree.
      expect((await api.get<{ pending_webhooks: number }>(`/v1/events/${created.id}`)).body.pending_webhooks).toBe(1);
      expect((await api.get<{ pending_webhooks: number }>(`/v1/events/${updated.id}`)).body.pending_webhooks).toBe(0);
      const rows = await t.server.store.db.selectFrom('events').select(['id', 'pending_webhooks']).where('id', 'in', [created.id, updated.id]).execute();
      expect(Object.fromEntries(rows.map((r) => [r.id, Number(r.pending_webhooks)]))).toEqual({ [created.id]: 1, [updated.id]: 0 });
    } finally {
      await failing.close();
    }
  });

  it('an outbox row carries the deliveries its events owe; the fan-out uses the endpoints enabled when it runs', async () => {
    receiver = await startReceiver();
    const db = t.server.store.db;
    const outbox = () => db.selectFrom('event_outbox').select(['event_id', 'pending_webhooks']).execute();
    const eventOf = async (customerId: string) =>
      (await api.get<{ data: { id: string; pending_webhooks: number }[] }>('/v1/events?type=customer.created&limit=10')).body.data.find(
        (e) => (e as unknown as { data: { object: { id: string } } }).data.object.id === customerId,
      )!;

    // No endpoint: the row owes nothing, and the pass only removes it.
    await t.tick();
    const quiet = await api.post<{ id: string }>('/v1/customers', { email: 'quiet@example.com' });
    const quietEvent = await eventOf(quiet.body.id);
    expect(await outbox()).toEqual([{ event_id: quietEvent.id, pending_webhooks: 0 }]);
    await t.tick();
    expect(await outbox()).toEqual([]);
    expect((await api.get<{ pending_webhooks: number }>(`/v1/events/${quietEvent.id}`)).body.pending_webhooks).toBe(0);

    // Recorded owing nothing, but an endpoint is enabled before the fan-out: it gets the event.
    const late = await api.post<{ id: string }>('/v1/customers', { email: 'late@example.com' });
    const lateEvent = await eventOf(late.body.id);
    expect(lateEvent.pending_webhooks).toBe(0);
    const endpoint = await endpointFor(receiver.url, ['customer.created']);
    await t.tick();
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([lateEvent.id]);

    // Recorded owing one delivery, but the endpoint is gone by the fan-out: nothing is sent, and the count is put right.
    const owed = await api.post<{ id: string }>('/v1/customers', { email: 'owed@example.com' });
    const owedEvent = await eventOf(owed.body.id);
    expect(owedEvent.pending_webhooks).toBe(1);
    expect(await outbox()).toEqual([{ event_id: owedEvent.id, pending_webhooks: 1 }]);
    await api.del(`/v1/webhook_endpoints/${endpoint.id}`);
    await t.tick();
    expect(await outbox()).toEqual([]);
    expect(receiver.received).toHaveLength(1);
    expect((await api.get<{ pending_webhooks: number }>(`/v1/events/${owedEvent.id}`)).body.pending_webhooks).toBe(0);
  });

  it('pauses queued deliveries while the endpoint is disabled and resumes them when it is enabled', async () => {
    receiver = await startReceiver((_r, i) => (i === 0 ? { kind: 'status', status: 500 } : { kind: 'status', status: 200 }));
    const endpoint = await endpointFor(receiver.url);
    await api.post('/v1/customers', { email: 'paused@example.com' });
    await t.tick();
    expect(receiver.received).toHaveLength(1);
    await api.post(`/v1/webhook_endpoints/${endpoint.id}`, { status: 'disabled' });
    await api.post('/v1/customers', { email: 'while-disabled@example.com' });
    await advanceTestClock(t.server, key(), 3600);
    await t.tick();
    expect(receiver.received).toHaveLength(1);
    await api.post(`/v1/webhook_endpoints/${endpoint.id}`, { status: 'enabled' });
    await t.tick();
    // The queued retry goes; the event that happened while disabled was never queued for it.
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id']);
    expect((await attemptsOf(endpoint.id)).map((a) => [a.attempt, a.status])).toEqual([
      [2, 'succeeded'],
      [1, 'failed'],
    ]);
  });

  it('keeps delivering to a healthy endpoint while another one hangs (bounded concurrency per endpoint)', async () => {
    receiver = await startReceiver((r) => (r.url.includes('slow') ? { kind: 'hang' } : { kind: 'status', status: 200 }));
    const slow = await endpointFor(`${receiver.url}?slow`);
    const fast = await endpointFor(`${receiver.url}?fast`);
    for (let i = 0; i < 20; i++) await api.post('/v1/customers', { email: `busy${i}@example.com` });
    const { Scheduler } = await import('./scheduler.js');
    const scheduler = new Scheduler(t.clock, t.deps.logger, 20);
    const worker = new WebhookWorker(t.deps, { timeoutMs: 1_500, maxConcurrent: 8, perEndpoint: 3, onProgress: () => scheduler.wake() });
    scheduler.register(worker);
    const started = Date.now();
    scheduler.start();
    const fastCount = () => receiver.received.filter((r) => r.url.includes('fast')).length;
    while (fastCount() < 20 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 10));
    const elapsed = Date.now() - started;
    const slowStarted = receiver.received.filter((r) => r.url.includes('slow')).length;
    await scheduler.stop(0);
    await worker.drain();
    expect(fastCount()).toBe(20);
    // All 20 went to the healthy endpoint before the first hanging attempt even timed out…
    expect(elapsed).toBeLessThan(1_500);
    // …while the hanging one never held more than its share of the slots.
    expect(slowStarted).toBeLessThanOrEqual(3);
    expect((await attemptsOf(fast.id)).filter((a) => a.status === 'succeeded')).toHaveLength(20);
    expect((await attemptsOf(slow.id)).every((a) => a.failure_code === 'timeout')).toBe(true);
  });

  it('sends a test event to the endpoint alone, signed, not retried, not listed in /v1/events', async () => {
    receiver = await startReceiver(() => ({ kind: 'status', status: 500, body: 'nope' }));
    const endpoint = await endpointFor(receiver.url);
    const sent = await api.post<{ id: string; event: { id: string; type: string } }>(`/v1/webhook_endpoints/${endpoint.id}/send_test_event`, {
      type: 'payment_intent.succeeded',
    });
    expect(sent.status).toBe(200);
    expect(sent.body.event.id).toMatch(/^evt_test_/);
    await t.tick();
    expect(receiver.received).toHaveLength(1);
    const body = JSON.parse(receiver.received[0]!.body) as { type: string; fluveo_test_event: boolean; data: { object: { object: string } } };
    expect(body).toMatchObject({ type: 'payment_intent.succeeded', fluveo_test_event: true, data: { object: { object: 'payment_intent' } } });
    expect(independentlyVerify(receiver.received[0]!.headers['fluveo-signature'] as string, receiver.received[0]!.body, endpoint.secret, Math.floor(t.clock.nowMs() / 1000))).toBe(true);
    await advanceTestClock(t.server, key(), 3600);
    await t.tick();
    expect(receiver.received).toHaveLength(1);
    const [attempt] = await attemptsOf(endpoint.id);
    expect(attempt).toMatchObject({ status: 'failed', response_status: 500, response_excerpt: 'nope', next_attempt_at: null });
    expect((await api.get(`/v1/events/${sent.body.event.id}`)).status).toBe(404);
  });
});
