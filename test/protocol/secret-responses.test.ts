import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, startTestServer, type TestServer } from '../harness.js';

/** Responses that show a secret once are stored encrypted for idempotent replays, never in clear. */
describe.each(ENGINES)('stored responses with secrets (%s)', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  it('keeps API keys and webhook secrets out of the idempotency table, and still replays them', async () => {
    const api = client(server, server.merchant.keys.sk_test);
    const key = await api.post('/v1/api_keys', { name: 'CI', type: 'secret' }, { idempotencyKey: 'secret-key-1' });
    expect(key.status).toBe(200);
    const secret = key.body.secret as string;
    expect(secret).toMatch(/^sk_test_/);
    const hook = await api.post('/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/hook', enabled_events: ['*'] }, { idempotencyKey: 'hook-1' });
    expect(hook.status).toBe(200);
    const whsec = hook.body.secret as string;
    expect(whsec).toMatch(/^whsec_/);

    const rows = (await server.store.db.selectFrom('idempotency_keys').select('response_body').execute()) as { response_body: string }[];
    const stored = rows.map((r) => r.response_body).join('\n');
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(whsec);

    const replay = await api.post('/v1/api_keys', { name: 'CI', type: 'secret' }, { idempotencyKey: 'secret-key-1' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.text).toBe(key.text);
  });
});
