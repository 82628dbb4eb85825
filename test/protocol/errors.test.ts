import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, request, startTestServer, type ApiResponse, type TestServer } from '../harness.js';
import { counts, rawHttp } from './support.js';

const ENVELOPE_FIELDS = ['code', 'doc_url', 'message', 'param', 'type'];

/** Internals that must never reach a client: stack frames, file names, SQL and driver wording. */
const LEAKS = /\bat \S+ \(|\.ts:\d|node_modules|sqlite|postgres|relation|syntax error|no such table|event_outbox|customers_pk|stack/i;

/** decisions.md §4: one envelope for every error; 5xx never leak internals. */
describe.each(ENGINES)('error envelope (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());

  const envelopeOf = (res: ApiResponse) => (res.body as { error: Record<string, unknown> }).error;

  it('has exactly type, code, message, param and doc_url, with the documented types and statuses', async () => {
    const cases: [ApiResponse, number, string, string, string | null][] = [
      [await api.post('/v1/customers', { bogus: 1 }), 400, 'invalid_request_error', 'parameter_unknown', 'bogus'],
      [await api.post('/v1/customers', { email: 'x' }), 400, 'invalid_request_error', 'parameter_invalid', 'email'],
      [await api.post('/v1/test_helpers/advance_clock', {}), 400, 'invalid_request_error', 'parameter_missing', 'seconds'],
      [await api.get('/v1/customers/cus_missing'), 404, 'invalid_request_error', 'resource_missing', 'id'],
      [await api.get('/v1/nothing_here'), 404, 'invalid_request_error', 'url_invalid', null],
      [await request(server, 'GET', '/v1/customers'), 401, 'authentication_error', 'authentication_failed', null],
    ];
    const reusedKey = `reuse-${Date.now()}`;
    await api.post('/v1/customers', { name: 'a' }, { idempotencyKey: reusedKey });
    cases.push([await api.post('/v1/customers', { name: 'b' }, { idempotencyKey: reusedKey }), 422, 'invalid_request_error', 'idempotency_key_reused', 'Idempotency-Key']);
    for (const [res, status, type, code, param] of cases) {
      expect(res.status, code).toBe(status);
      const err = envelopeOf(res);
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(Object.keys(err).sort()).toEqual(ENVELOPE_FIELDS);
      expect(err).toEqual({ type, code, message: expect.any(String) as unknown, param, doc_url: `https://docs.leanrails.com/errors/${code}` });
      expect((err.message as string).length).toBeGreaterThan(5);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    }
  });

  it('names a parameter sent in a POST query string and says it belongs in the body; nothing is written', async () => {
    const before = (await api.get<{ data: unknown[] }>('/v1/customers?limit=100')).body.data.length;
    const res = await api.post('/v1/customers?email=q@example.com', {});
    const err = expectError(res, 400, 'parameter_unknown', 'email');
    expect(err.message).toMatch(/query string.*request body/);
    expect((await api.get<{ data: unknown[] }>('/v1/customers?limit=100')).body.data.length).toBe(before);
  });

  it('answers an unknown URL or method with 404 url_invalid, authenticated or not', async () => {
    for (const [method, path] of [
      ['GET', '/v1/nope'],
      ['POST', '/v1/nope'],
      ['GET', '/v2/customers'],
      ['PUT', '/v1/customers'],
      ['PATCH', '/v1/customers/cus_123'],
      ['DELETE', '/v1/customers'],
      ['GET', '/v1/customers/cus_1/nested/deeper'],
    ] as const) {
      for (const key of [server.merchant.keys.sk_test, undefined]) {
        const res = await request(server, method, path, { key, body: method === 'GET' ? undefined : {} });
        const err = expectError(res, 404, 'url_invalid', null);
        expect(err.message).toContain(path);
        expect(res.headers.get('request-id')).toMatch(/^req_/);
      }
    }
  });

  it('answers requests the HTTP layer cannot read with 400 request_malformed in the envelope', async () => {
    const badEscape = await rawHttp(server.url, 'GET /v1/customers/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(badEscape.status).toBe(400);
    expect(JSON.parse(badEscape.body).error).toMatchObject({ type: 'invalid_request_error', code: 'request_malformed', param: null });
    expect(badEscape.headers['request-id']).toMatch(/^req_/);
    expect(badEscape.headers['x-api-version']).toBe('2026-03-09');
    expect(badEscape.headers['x-ratelimit-limit']).toBe('100');
    const badLine = await rawHttp(server.url, 'GET /v1/cus tomers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(badLine.status).toBe(400);
    expect(JSON.parse(badLine.body).error.code).toBe('request_malformed');
    expect(badLine.headers['x-ratelimit-limit']).toBe('100');
    expect(badLine.headers['x-ratelimit-remaining']).toMatch(/^\d+$/);
    const longSegment = await api.get(`/v1/customers/cus_${'a'.repeat(400)}`);
    expectError(longSegment, 400, 'request_malformed', null);
    const longId = await api.get(`/v1/customers/cus_${'a'.repeat(280)}`);
    expectError(longId, 400, 'parameter_invalid', 'id');
  });

  /**
   * A broken table makes the repository throw inside the request's transaction. The client sees the generic 500
   * api_error, nothing of the request is left behind, and the Idempotency-Key stays free for the retry.
   */
  it('answers a failing write with a generic 500 api_error, rolls everything back and leaves the key free', async () => {
    const before = await counts(server);
    await server.store.db.schema.alterTable('event_outbox').renameTo('event_outbox_broken').execute();
    let failed: ApiResponse;
    try {
      failed = await api.post('/v1/customers', { name: 'doomed', email: 'doomed@example.com' }, { idempotencyKey: 'retry-after-500' });
    } finally {
      await server.store.db.schema.alterTable('event_outbox_broken').renameTo('event_outbox').execute();
    }
    const err = expectError(failed, 500, 'api_error', null);
    expect(err.type).toBe('api_error');
    expect(err.message).toBe('An unexpected error occurred. It has been logged; retry later.');
    expect(failed.text).not.toMatch(LEAKS);
    expect(failed.headers.get('idempotent-replayed')).toBeNull();
    expect(failed.headers.get('request-id')).toMatch(/^req_/);
    // The customer and its event were inserted before the outbox failed: all rolled back together.
    expect(await counts(server)).toEqual(before);

    const retried = await api.post('/v1/customers', { name: 'doomed', email: 'doomed@example.com' }, { idempotencyKey: 'retry-after-500' });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(await counts(server)).toEqual({
      customers: before.customers + 1,
      events: before.events + 1,
      outbox: before.outbox + 1,
      idempotency: before.idempotency + 1,
    });
  });

  it('answers a failing read with the generic 500 and no detail', async () => {
    await server.store.db.schema.alterTable('customers').renameTo('customers_broken').execute();
    let failed: ApiResponse;
    try {
      failed = await api.get('/v1/customers?limit=3');
    } finally {
      await server.store.db.schema.alterTable('customers_broken').renameTo('customers').execute();
    }
    expectError(failed, 500, 'api_error', null);
    expect(failed.text).not.toMatch(LEAKS);
    expect(failed.headers.get('x-api-version')).toBe('2026-03-09');
    expect((await api.get('/v1/customers?limit=3')).status).toBe(200);
  });
});
