import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, ENGINES, freshDatabase, type TestDatabase } from '../../../../test/harness.js';
import { loadConfig } from '../../../config.js';
import { createMerchant, type CreatedMerchant } from '../../../domain/merchants/create-merchant.js';
import { startServer, type Server } from '../../../server.js';
import { makeCatalog, ok, sessionBody, type Obj } from './checkout-fixtures.js';

describe.each(ENGINES)('automatic expiry on a running server (%s)', (engine) => {
  let database: TestDatabase;
  let server: Server;
  let merchant: CreatedMerchant;
  beforeAll(async () => {
    database = await freshDatabase(engine);
    const config = loadConfig({ DATABASE_URL: database.url, PORT: '0', RATE_LIMITS: 'off', LOG_LEVEL: 'silent' });
    server = await startServer(config, { logger: pino({ level: 'silent' }), announce: () => undefined });
    merchant = await createMerchant(server.store, server.deps.clock, 'Clock merchant');
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('advance_clock makes a due session expire within seconds, through the started scheduler', async () => {
    expect(server.scheduler?.jobs).toContain('checkout-session-expiry');
    const api = client(server, merchant.keys.sk_test);
    const cat = await makeCatalog(api);
    const now = (await ok(api.get<{ now: number }>('/v1/test_helpers/clock'))).now;
    const s = await ok(api.post('/v1/checkout/sessions', sessionBody(cat, { expires_at: now + 1800 })));
    await ok(api.post('/v1/test_helpers/advance_clock', { seconds: 1800 }));
    const deadline = Date.now() + 5_000;
    let status = 'open';
    while (status === 'open' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await ok(api.get<Obj>(`/v1/checkout/sessions/${s.id as string}`))).status as string;
    }
    expect(status).toBe('expired');
    expect(await ok(api.get(`/v1/payment_intents/${s.payment_intent as string}`))).toMatchObject({ status: 'canceled', cancellation_reason: 'expired' });
  });
});
