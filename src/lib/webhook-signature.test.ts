import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constructEvent, signPayload, verifySignature, WebhookSignatureError } from './webhook-signature.js';

/** The documented scheme, written independently: hex HMAC-SHA256(secret, "v1=" + t + "." + body). */
const reference = (secret: string, t: number, body: string) => createHmac('sha256', secret).update(`v1=${t}.${body}`, 'utf8').digest('hex');

describe('webhook signatures', () => {
  const secret = 'whsec_test_secret_0123456789';
  const body = '{"id":"evt_1","object":"event","type":"customer.created"}';
  const t = 1_709_913_600;

  it('signs exactly as the documented scheme', () => {
    expect(signPayload(body, secret, t)).toBe(`t=${t},v1=${reference(secret, t, body)}`);
    expect(signPayload(body, [secret, 'whsec_old'], t)).toBe(`t=${t},v1=${reference(secret, t, body)},v1=${reference('whsec_old', t, body)}`);
  });

  it('verifies a header built independently, within the tolerance both ways', () => {
    const header = `t=${t},v1=${reference(secret, t, body)}`;
    expect(verifySignature(body, header, secret, 300, t)).toBe(true);
    expect(verifySignature(Buffer.from(body), header, secret, 300, t + 300)).toBe(true);
    expect(verifySignature(body, header, secret, 300, t - 300)).toBe(true);
    expect(verifySignature(body, header, secret, 300, t + 301)).toBe(false);
    expect(verifySignature(body, header, secret, 300, t - 301)).toBe(false);
    expect(verifySignature(body, header, secret, 0, t + 10_000)).toBe(true);
  });

  it('accepts any matching v1 among several (rotation) and ignores unknown schemes', () => {
    const header = `t=${t},v0=abc,v1=${reference('whsec_other', t, body)},v1=${reference(secret, t, body)}`;
    expect(verifySignature(body, header, secret, 300, t)).toBe(true);
  });

  it('rejects tampering, wrong secrets and malformed headers without throwing', () => {
    const header = signPayload(body, secret, t);
    expect(verifySignature(`${body} `, header, secret, 300, t)).toBe(false);
    expect(verifySignature(body, header, 'whsec_wrong', 300, t)).toBe(false);
    expect(verifySignature(body, header.replace(`t=${t}`, `t=${t + 1}`), secret, 300, t)).toBe(false);
    for (const bad of [undefined, null, '', 'garbage', `t=${t}`, `v1=${reference(secret, t, body)}`, `t=abc,v1=${reference(secret, t, body)}`, `t=${t},v1=zz`]) {
      expect(verifySignature(body, bad, secret, 300, t)).toBe(false);
    }
    expect(verifySignature(body, header, '', 300, t)).toBe(false);
  });

  it('constructEvent returns the parsed event or names the failure', () => {
    const header = signPayload(body, secret, t);
    expect(constructEvent(body, header, secret, 300, t)).toEqual(JSON.parse(body));
    const reasons = [
      [undefined, 'header_missing'],
      ['t=1', 'header_malformed'],
      [signPayload(body, secret, t - 1000), 'timestamp_outside_tolerance'],
      [signPayload(body, 'whsec_x', t), 'signature_mismatch'],
    ] as const;
    for (const [h, reason] of reasons) {
      try {
        constructEvent(body, h, secret, 300, t);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(WebhookSignatureError);
        expect((err as WebhookSignatureError).reason).toBe(reason);
      }
    }
  });

  it('round-trips for any body and secret, and no other secret verifies', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.integer({ min: 0, max: 4_000_000_000 }), (b, s1, s2, ts) => {
        const header = signPayload(b, s1, ts);
        expect(verifySignature(b, header, s1, 300, ts)).toBe(true);
        expect(header).toBe(`t=${ts},v1=${reference(s1, ts, b)}`);
        if (s1 !== s2) expect(verifySignature(b, header, s2, 300, ts)).toBe(false);
      }),
    );
  });
});
