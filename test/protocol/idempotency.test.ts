import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, request, startTestServer, type ApiResponse, type TestServer } from '../harness.js';
import { insertObject } from '../../src/db/objects.js';
import { IdempotencyStore } from '../../src/http/idempotency.js';
import { counts, rawHttp, secondInstance } from './support.js';

/** decisions.md §5. */
describe.each(ENGINES)('Idempotency-Key (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());
  const key = () => `idem-${randomUUID()}`;
  const mine = () => counts(server, server.merchant.id);

  it('is required on POST: absent → 400 parameter_missing naming Idempotency-Key, nothing written', async () => {
    const before = await counts(server);
    const res = await api.post('/v1/customers', { name: 'no key' }, { idempotencyKey: null });
    const err = expectError(res, 400, 'parameter_missing', 'Idempotency-Key');
    expect(err.message).toMatch(/Idempotency-Key/);
    expectError(await api.post('/v1/test_helpers/advance_clock', { seconds: 1 }, { idempotencyKey: null }), 400, 'parameter_missing', 'Idempotency-Key');
    expect(await counts(server)).toEqual(before);
  });

  it('refuses empty, over-long and non-printable keys with 400 parameter_invalid', async () => {
    const before = await counts(server);
    for (const bad of ['', 'k'.repeat(256), 'tab\there', 'ünïcode']) {
      const res = await server.app.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: { authorization: `Bearer ${server.merchant.keys.sk_test}`, 'content-type': 'application/json', 'idempotency-key': bad },
        payload: '{"name":"x"}',
      });
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(JSON.parse(res.payload).error).toMatchObject({ code: 'parameter_invalid', param: 'Idempotency-Key', type: 'invalid_request_error' });
    }
    expect(await counts(server)).toEqual(before);
    const longest = await api.post('/v1/customers', { name: 'x' }, { idempotencyKey: 'k'.repeat(255) });
    expect(longest.status).toBe(200);
  });

  it('refuses a key holding a control character over the wire with 400 parameter_invalid naming the header', async () => {
    const before = await counts(server);
    const body = '{"name":"ctl"}';
    for (const ctl of ['\u0001', '\u007f', '\u001b']) {
      const res = await rawHttp(
        server.url,
        `POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.merchant.keys.sk_test}\r\nContent-Type: application/json\r\n` +
          `Idempotency-Key: key${ctl}here\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
      expect(res.status, JSON.stringify(ctl)).toBe(400);
      expect(JSON.parse(res.body).error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_invalid', param: 'Idempotency-Key' });
    }
    // A control character in another header is still a malformed request.
    const other = await rawHttp(
      server.url,
      `POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.merchant.keys.sk_test}\r\nX-Note: a\u0001b\r\n` +
        `Idempotency-Key: fine\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(JSON.parse(other.body).error).toMatchObject({ code: 'request_malformed', param: null });
    expect(await counts(server)).toEqual(before);
  });

  it('refuses a repeated Idempotency-Key header (Node would join the two into a new key)', async () => {
    const before = await counts(server);
    const body = '{"name":"twice"}';
    const res = await rawHttp(
      server.url,
      `POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.merchant.keys.sk_test}\r\nContent-Type: application/json\r\n` +
        `Idempotency-Key: one\r\nIdempotency-Key: two\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'parameter_invalid', param: 'Idempotency-Key' });
    expect(await counts(server)).toEqual(before);
  });

  it('replays the stored response byte for byte with Idempotent-Replayed: true, running nothing again', async () => {
    const k = key();
    const first = await api.post('/v1/customers', { name: 'Once', metadata: { n: '1' } }, { idempotencyKey: k });
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const after = await mine();
    for (let i = 0; i < 3; i++) {
      const again = await api.post('/v1/customers', { name: 'Once', metadata: { n: '1' } }, { idempotencyKey: k });
      expect(again.status).toBe(200);
      expect(again.text).toBe(first.text);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('request-id')).not.toBe(first.headers.get('request-id'));
    }
    expect(await mine()).toEqual(after);
    // The JSON and the form spelling of the same parameters are the same request.
    const asForm = await api.post('/v1/customers', undefined, { idempotencyKey: k, form: 'metadata[n]=1&name=Once' });
    expect(asForm.text).toBe(first.text);
    expect(asForm.headers.get('idempotent-replayed')).toBe('true');
    // …also for non-string JSON values spelled as text in a form.
    const k2 = key();
    const clock = await api.post('/v1/test_helpers/advance_clock', { seconds: 5 }, { idempotencyKey: k2 });
    const clockForm = await api.post('/v1/test_helpers/advance_clock', undefined, { idempotencyKey: k2, form: 'seconds=5' });
    expect(clockForm.text).toBe(clock.text);
    expect(clockForm.headers.get('idempotent-replayed')).toBe('true');
    expect(await mine()).toEqual({ ...after, idempotency: after.idempotency + 1 });
  });

  it('replays the stored response even when running the request again would now fail', async () => {
    const created = await api.post('/v1/customers', { name: 'Short-lived' }, { idempotencyKey: key() });
    const id = created.body.id as string;
    const k = key();
    const update = await api.post(`/v1/customers/${id}`, { name: 'Renamed' }, { idempotencyKey: k });
    expect(update.status).toBe(200);
    expect((await api.del(`/v1/customers/${id}`)).status).toBe(200);
    // The customer is gone: a new update would be a 404, but the key's stored answer is the 200.
    expectError(await api.post(`/v1/customers/${id}`, { name: 'Renamed' }, { idempotencyKey: key() }), 404, 'resource_missing');
    const again = await api.post(`/v1/customers/${id}`, { name: 'Renamed' }, { idempotencyKey: k });
    expect(again.status).toBe(200);
    expect(again.text).toBe(update.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // The same for a stored error that committed (a declined card's 402), replayed as stored.
    const declineKey = key();
    const declined = await api.post('/v1/payment_intents', { amount: 500, currency: 'usd', payment_method: 'pm_card_declined', confirm: true }, { idempotencyKey: declineKey });
    expect(declined.status).toBe(402);
    const declinedAgain = await api.post('/v1/payment_intents', { amount: 500, currency: 'usd', payment_method: 'pm_card_declined', confirm: true }, { idempotencyKey: declineKey });
    expect(declinedAgain.status).toBe(402);
    expect(declinedAgain.text).toBe(declined.text);
    expect(declinedAgain.headers.get('idempotent-replayed')).toBe('true');
  });

  it('stores a response that is an event’s object as a reference to that event, and replays it byte for byte', async () => {
    const stored = async (k: string) =>
      (
        (await server.store.db
          .selectFrom('idempotency_keys')
          .select('response_body')
          .where('merchant_id', '=', server.merchant.id)
          .where('key', '=', k)
          .executeTakeFirstOrThrow()) as { response_body: string }
      ).response_body;
    const params = { amount: 1500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true };
    const k = key();
    const paid = await api.post('/v1/payment_intents', params, { idempotencyKey: k });
    expect(paid.status).toBe(200);
    // The answer is the PaymentIntent as its payment_intent.succeeded event holds it: stored once, in the event.
    const body = await stored(k);
    expect(body).toMatch(/^event:evt_/);
    const event = await api.get(`/v1/events/${body.slice('event:'.length)}`);
    expect(event.body).toMatchObject({ type: 'payment_intent.succeeded', data: { object: { id: paid.body.id } } });
    expect(JSON.stringify((event.body.data as { object: unknown }).object)).toBe(paid.text);
    const after = await mine();
    const again = await api.post('/v1/payment_intents', params, { idempotencyKey: k });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(paid.text);
    expect(await mine()).toEqual(after);

    // A customer create answers with what its customer.created event holds.
    const customerKey = key();
    const customer = await api.post('/v1/customers', { name: 'Stored once' }, { idempotencyKey: customerKey });
    expect(await stored(customerKey)).toMatch(/^event:evt_/);
    expect((await api.post('/v1/customers', { name: 'Stored once' }, { idempotencyKey: customerKey })).text).toBe(customer.text);

    // An answer no event holds (a test clock's) is stored whole, and replayed the same.
    const clockKey = key();
    const clock = await api.post('/v1/test_helpers/advance_clock', { seconds: 1 }, { idempotencyKey: clockKey });
    expect(clock.status).toBe(200);
    expect(await stored(clockKey)).toBe(clock.text);
    expect((await api.post('/v1/test_helpers/advance_clock', { seconds: 1 }, { idempotencyKey: clockKey })).text).toBe(clock.text);

    // The event outlives the key (30 days against one, on one clock); were it ever gone, the key answers a clear
    // 500 rather than running the payment again.
    await server.store.db.deleteFrom('events').where('id', '=', body.slice('event:'.length)).execute();
    const intents = async () => ((await api.get('/v1/payment_intents?limit=100')).body.data as unknown[]).length;
    const [before, intentsBefore] = [await mine(), await intents()];
    const lost = await api.post('/v1/payment_intents', params, { idempotencyKey: k });
    expectError(lost, 500, 'api_error');
    expect(await mine()).toEqual(before);
    expect(await intents()).toBe(intentsBefore);
  });

  it('lets a stored response win over a rerun that would answer 5xx (a 5xx is never stored), keeping none of its writes', async () => {
    const store = new IdempotencyStore(server.store);
    const now = Math.floor(Date.now() / 1000);
    const scope = { merchantId: server.merchant.id, livemode: false };
    const k = key();
    const first = await store.run(scope, k, 'print', now, () => Promise.resolve({ status: 200, body: '{"first":true}' }));
    expect(first.replayed).toBe(false);
    const strayId = `cus_stray${randomUUID().replace(/-/g, '')}`;
    const again = await store.run(scope, k, 'print', now, async (tx) => {
      await insertObject(tx, 'customers', scope, { id: strayId, created: now }, { email: null });
      return { status: 503, body: '{"error":{}}' };
    });
    expect(again).toEqual({ replayed: true, response: { status: 200, body: '{"first":true}' } });
    const stray = await server.store.db.selectFrom('customers').select('id').where('id', '=', strayId).executeTakeFirst();
    expect(stray).toBeUndefined();
  });

  it('answers 422 idempotency_key_reused for the same key with other parameters or on another path', async () => {
    const k = key();
    const first = await api.post('/v1/customers', { name: 'Original' }, { idempotencyKey: k });
    expect(first.status).toBe(200);
    const after = await mine();
    const otherBody = await api.post('/v1/customers', { name: 'Different' }, { idempotencyKey: k });
    expect(expectError(otherBody, 422, 'idempotency_key_reused', 'Idempotency-Key').type).toBe('invalid_request_error');
    expectError(await api.post('/v1/customers', { name: 'Original', email: 'a@b.co' }, { idempotencyKey: k }), 422, 'idempotency_key_reused');
    expectError(await api.post('/v1/customers', {}, { idempotencyKey: k }), 422, 'idempotency_key_reused');
    const otherPath = await api.post(`/v1/customers/${first.body.id as string}`, { name: 'Original' }, { idempotencyKey: k });
    expectError(otherPath, 422, 'idempotency_key_reused', 'Idempotency-Key');
    expectError(await api.post('/v1/test_helpers/advance_clock', { seconds: 1 }, { idempotencyKey: k }), 422, 'idempotency_key_reused');
    // A reused key is named even when the other request's parameters are also wrong: the key's misuse comes first.
    expectError(await api.post('/v1/customers', { name: 'Original', bogus: '1' }, { idempotencyKey: k }), 422, 'idempotency_key_reused');
    expectError(await api.post('/v1/customers', { name: 42 }, { idempotencyKey: k }), 422, 'idempotency_key_reused');
    expect(await mine()).toEqual(after);
    // A fresh key with the same wrong parameters gets their own error.
    expectError(await api.post('/v1/customers', { name: 'Original', bogus: '1' }, { idempotencyKey: key() }), 400, 'parameter_unknown', 'bogus');
    expect((await api.get(`/v1/customers/${first.body.id as string}`)).body.name).toBe('Original');
  });

  it('leaves the key free after a request that changed nothing (validation 400, 404, 401)', async () => {
    const k = key();
    const before = await mine();
    expectError(await api.post('/v1/customers', { email: 'broken' }, { idempotencyKey: k }), 400, 'parameter_invalid', 'email');
    expectError(await api.post('/v1/customers', { bogus: 1 }, { idempotencyKey: k }), 400, 'parameter_unknown', 'bogus');
    expectError(await api.post('/v1/customers/cus_missing', { name: 'x' }, { idempotencyKey: k }), 404, 'resource_missing', 'id');
    const unauth = await request(server, 'POST', '/v1/customers', { key: 'sk_test_wrong', body: { name: 'x' }, idempotencyKey: k });
    expectError(unauth, 401, 'authentication_failed');
    expect(await mine()).toEqual(before);
    const ok = await api.post('/v1/customers', { name: 'Now valid' }, { idempotencyKey: k });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('idempotent-replayed')).toBeNull();
    const replay = await api.post('/v1/customers', { name: 'Now valid' }, { idempotencyKey: k });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.text).toBe(ok.text);
  });

  it('scopes keys per merchant and per mode', async () => {
    const k = key();
    const results = await Promise.all(
      [server.merchant.keys.sk_test, server.merchant.keys.sk_live, server.other.keys.sk_test].map((sk) =>
        client(server, sk).post('/v1/customers', { name: 'Shared key' }, { idempotencyKey: k }),
      ),
    );
    const ids = results.map((r) => r.body.id as string);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.every((r) => r.headers.get('idempotent-replayed') === null)).toBe(true);
    expect(new Set(ids).size).toBe(3);
    expect(results.map((r) => r.body.livemode)).toEqual([false, true, false]);
  });

  /** All outcomes of concurrent duplicates: exactly one execution, the rest replays or 409 in-use. */
  function checkDuplicates(responses: ApiResponse[]): string {
    const winners = responses.filter((r) => r.status === 200 && r.headers.get('idempotent-replayed') === null);
    expect(winners).toHaveLength(1);
    const id = winners[0]!.body.id as string;
    for (const r of responses) {
      if (r.status === 200) {
        expect(r.body.id).toBe(id);
        expect(r.text).toBe(winners[0]!.text);
      } else {
        const err = expectError(r, 409, 'idempotency_key_in_use', null);
        expect(err.type).toBe('api_error');
        expect(r.headers.get('retry-after')).toBe('1');
      }
    }
    return id;
  }

  it('runs 20 concurrent duplicates exactly once: one customer, one event', async () => {
    const m = await server.newMerchant('Concurrent');
    const c = client(server, m.keys.sk_test);
    const k = key();
    const responses = await Promise.all(Array.from({ length: 20 }, () => c.post('/v1/customers', { name: 'Racer', email: 'race@example.com' }, { idempotencyKey: k })));
    const id = checkDuplicates(responses);
    expect(await counts(server, m.id)).toEqual({ customers: 1, events: 1, outbox: 1, idempotency: 1 });
    const events = await c.get('/v1/events?type=customer.created');
    expect((events.body.data as { data: { object: { id: string } } }[]).map((e) => e.data.object.id)).toEqual([id]);
    // Once settled, every retry is a replay.
    const late = await c.post('/v1/customers', { name: 'Racer', email: 'race@example.com' }, { idempotencyKey: k });
    expect(late.headers.get('idempotent-replayed')).toBe('true');
  });

  it('runs concurrent duplicates exactly once across two application instances on one database', async () => {
    const second = await secondInstance(server);
    try {
      const m = await server.newMerchant('Two instances');
      for (let round = 0; round < 3; round++) {
        const k = key();
        const body = { name: `Across ${round}` };
        const fire = (url: string) => request({ url }, 'POST', '/v1/customers', { key: m.keys.sk_test, body, idempotencyKey: k });
        const responses = await Promise.all(Array.from({ length: 16 }, (_, i) => fire(i % 2 === 0 ? server.url : second.url)));
        checkDuplicates(responses);
      }
      expect(await counts(server, m.id)).toEqual({ customers: 3, events: 3, outbox: 3, idempotency: 3 });
    } finally {
      await second.close();
    }
  });

  it('keeps keys 24 hours on the merchant’s clock, then the key runs anew', async () => {
    const m = await server.newMerchant('Retention');
    const c = client(server, m.keys.sk_test);
    const k = key();
    const first = await c.post('/v1/customers', { name: 'Day one' }, { idempotencyKey: k });
    expect((await c.post('/v1/test_helpers/advance_clock', { seconds: 24 * 3600 - 1 })).status).toBe(200);
    const stillStored = await c.post('/v1/customers', { name: 'Day one' }, { idempotencyKey: k });
    expect(stillStored.headers.get('idempotent-replayed')).toBe('true');
    expect(stillStored.text).toBe(first.text);
    expect((await c.post('/v1/test_helpers/advance_clock', { seconds: 1 })).status).toBe(200);
    const anew = await c.post('/v1/customers', { name: 'Day one' }, { idempotencyKey: k });
    expect(anew.status).toBe(200);
    expect(anew.headers.get('idempotent-replayed')).toBeNull();
    expect(anew.body.id).not.toBe(first.body.id);
    expect(anew.body.created).toBe((first.body.created as number) + 24 * 3600);
    // The new execution is stored in turn; a different body is now the mismatch.
    expect((await c.post('/v1/customers', { name: 'Day one' }, { idempotencyKey: k })).text).toBe(anew.text);
    expectError(await c.post('/v1/customers', { name: 'Day two' }, { idempotencyKey: k }), 422, 'idempotency_key_reused');
    expect((await counts(server, m.id)).customers).toBe(2);
  });

  it('does not need a key on DELETE (inherently idempotent) and ignores one sent', async () => {
    const created = await api.post('/v1/customers', { name: 'To delete' });
    const id = created.body.id as string;
    const del = await api.del(`/v1/customers/${id}`, { headers: { 'idempotency-key': key() } });
    expect(del.body).toEqual({ id, object: 'customer', deleted: true });
    expectError(await api.del(`/v1/customers/${id}`), 404, 'resource_missing', 'id');
  });
});

describe.each(ENGINES)('IDEMPOTENCY_KEY=optional (%s)', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine, { env: { IDEMPOTENCY_KEY: 'optional' } });
  });
  afterAll(() => server.close());

  it('lets a POST through without the header and still honours one when sent', async () => {
    const api = client(server, server.merchant.keys.sk_test);
    const a = await api.post('/v1/customers', { name: 'No key' }, { idempotencyKey: null });
    const b = await api.post('/v1/customers', { name: 'No key' }, { idempotencyKey: null });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.id).not.toBe(b.body.id);
    const k = `opt-${randomUUID()}`;
    const first = await api.post('/v1/customers', { name: 'Keyed' }, { idempotencyKey: k });
    const again = await api.post('/v1/customers', { name: 'Keyed' }, { idempotencyKey: k });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    expectError(await api.post('/v1/customers', { name: 'x' }, { idempotencyKey: '' }), 400, 'parameter_invalid', 'Idempotency-Key');
    expect((await counts(server)).customers).toBe(3);
  });
});
