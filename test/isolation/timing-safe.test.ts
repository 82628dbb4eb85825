import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Constant-time comparison (decisions.md §1, issue 7 item 6): API keys (their stored hashes) and webhook signatures
 * are compared with crypto.timingSafeEqual, never with === on the secret material. node:crypto is wrapped in a spy
 * so the test sees every comparison the code makes.
 */
const spy = vi.hoisted(() => ({ calls: [] as [Buffer, Buffer][] }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    spy.calls.push([
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ]);
    return actual.timingSafeEqual(a, b);
  };
  return { ...actual, default: { ...actual, timingSafeEqual }, timingSafeEqual };
});

const { digestsEqual, sha256Hex } = await import('../../src/lib/secrets.js');
const { signPayload, verifySignature } = await import('../../src/lib/webhook-signature.js');
const { KeyResolver } = await import('../../src/http/auth.js');
const { openStore } = await import('../../src/db/store.js');
const { migrateToLatest } = await import('../../src/db/migrate.js');
const { createMerchant } = await import('../../src/domain/merchants/create-merchant.js');
const { ManualClock } = await import('../../src/lib/clock.js');

describe('timing-safe comparisons', () => {
  beforeEach(() => {
    spy.calls.length = 0;
  });

  it('digestsEqual compares the digests with timingSafeEqual, and only equal-length ones', () => {
    const a = sha256Hex('sk_test_one');
    const b = sha256Hex('sk_test_two');
    expect(digestsEqual(a, a)).toBe(true);
    expect(digestsEqual(a, b)).toBe(false);
    expect(spy.calls).toHaveLength(2);
    expect(spy.calls[1]![0].toString('hex')).toBe(a);
    expect(spy.calls[1]![1].toString('hex')).toBe(b);
    // Lengths differ (or are empty): refused without comparing bytes.
    expect(digestsEqual(a, a.slice(0, 62))).toBe(false);
    expect(digestsEqual('', '')).toBe(false);
    expect(spy.calls).toHaveLength(2);
  });

  it('verifySignature compares every v1 candidate in constant time, with no early exit', () => {
    const body = '{"id":"evt_1"}';
    const t = 1_800_000_000;
    const good = signPayload(body, 'whsec_right', t);
    const header = `${signPayload(body, 'whsec_wrong_1', t)},${good.split(',')[1]!},v1=${'0'.repeat(64)}`;
    expect(verifySignature(body, header, 'whsec_right', 300, t)).toBe(true);
    expect(spy.calls).toHaveLength(3);
    expect(verifySignature(body, signPayload(body, 'whsec_wrong', t), 'whsec_right', 300, t)).toBe(false);
    expect(spy.calls).toHaveLength(4);
  });

  describe('API key authentication', () => {
    const store = openStore('sqlite::memory:');
    const clock = new ManualClock(Date.now());
    let key: string;
    beforeAll(async () => {
      await migrateToLatest(store);
      key = (await createMerchant(store, clock, 'Timing')).keys.sk_test;
    });
    afterAll(() => store.close());

    it('checks the stored hash of a presented key with timingSafeEqual', async () => {
      const resolver = new KeyResolver(store);
      const principal = await resolver.resolve(key, clock.nowMs(), Math.floor(clock.nowMs() / 1000));
      expect(principal.livemode).toBe(false);
      const hash = sha256Hex(key);
      expect(spy.calls.some(([x, y]) => x.toString('hex') === hash && y.toString('hex') === hash)).toBe(true);
      // An unknown key finds no row and is refused (its last character changed, never to itself).
      const other = key.endsWith('x') ? 'y' : 'x';
      await expect(resolver.resolve(`${key.slice(0, -1)}${other}`, clock.nowMs(), 0)).rejects.toMatchObject({
        code: 'authentication_failed',
      });
    });
  });
});
