import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectBrand, normalizeCardNumber, passesLuhn, validateRawCard } from './card-number.js';
import { TEST_CARDS, TEST_PAYMENT_METHODS, testProcessor } from './test-processor.js';

const NOW = Date.UTC(2026, 5, 15) / 1000; // 15 June 2026

function withCheckDigit(body: string): string {
  for (let d = 0; d < 10; d++) if (passesLuhn(body + String(d))) return body + String(d);
  throw new Error('unreachable');
}

describe('card numbers', () => {
  it('every test number passes Luhn, and a changed digit fails it', () => {
    for (const n of [...Object.keys(TEST_CARDS), ...Object.values(TEST_PAYMENT_METHODS)]) expect(passesLuhn(n), n).toBe(true);
    fc.assert(
      fc.property(fc.stringMatching(/^\d{11,18}$/), fc.nat(), fc.integer({ min: 1, max: 9 }), (body, pos, delta) => {
        const n = withCheckDigit(body);
        expect(passesLuhn(n)).toBe(true);
        const i = pos % n.length;
        const changed = n.slice(0, i) + String((Number(n[i]) + delta) % 10) + n.slice(i + 1);
        expect(passesLuhn(changed)).toBe(false);
      }),
    );
  });

  it('normalizes spaces and dashes, refuses anything else', () => {
    expect(normalizeCardNumber('4242 4242-4242 4242')).toBe('4242424242424242');
    expect(normalizeCardNumber('4242.4242.4242.4242')).toBeUndefined();
    expect(normalizeCardNumber('42424242424')).toBeUndefined();
    expect(normalizeCardNumber('4'.repeat(20))).toBeUndefined();
  });

  it('knows the brands', () => {
    expect(detectBrand('4242424242424242')).toBe('visa');
    expect(detectBrand('5555555555554444')).toBe('mastercard');
    expect(detectBrand('2223003122003222')).toBe('mastercard');
    expect(detectBrand('378282246310005')).toBe('amex');
    expect(detectBrand('6011111111111117')).toBe('discover');
    expect(detectBrand('3056930009020004')).toBe('diners');
    expect(detectBrand('3566002020360505')).toBe('jcb');
    expect(detectBrand('6200000000000005')).toBe('unionpay');
    expect(detectBrand('9999999999999995')).toBe('unknown');
  });

  it('validates expiry against the given clock and CVC length by brand', () => {
    const card = { number: '4242424242424242', exp_month: 6, exp_year: 2026 };
    expect(validateRawCard(card, NOW, 'card').exp_year).toBe(2026);
    expect(validateRawCard({ ...card, exp_year: 29 }, NOW, 'card').exp_year).toBe(2029);
    expect(() => validateRawCard({ ...card, exp_month: 5 }, NOW, 'card')).toThrow(expect.objectContaining({ code: 'parameter_invalid', param: 'card[exp_month]' }));
    expect(() => validateRawCard({ ...card, exp_year: 2025 }, NOW, 'card')).toThrow(expect.objectContaining({ code: 'parameter_invalid' }));
    expect(() => validateRawCard({ ...card, exp_year: 2100 }, NOW, 'card')).toThrow(expect.objectContaining({ code: 'parameter_invalid' }));
    expect(() => validateRawCard({ ...card, exp_month: 0 }, NOW, 'x')).toThrow(expect.objectContaining({ code: 'parameter_invalid', param: 'x[exp_month]' }));
    expect(() => validateRawCard({ ...card, cvc: '1234' }, NOW, 'card')).toThrow(expect.objectContaining({ code: 'parameter_invalid' }));
    expect(validateRawCard({ number: '378282246310005', exp_month: 1, exp_year: 2030, cvc: '1234' }, NOW, 'card').cvc).toBe('1234');
    expect(() => validateRawCard({ ...card, number: '4242424242424241' }, NOW, 'card')).toThrow(expect.objectContaining({ code: 'parameter_invalid', param: 'card[number]' }));
  });
});

describe('the test processor', () => {
  const token = async (number: string) => (await testProcessor.tokenize({ number, exp_month: 1, exp_year: 2040 })).token;

  it('never puts a card number in a token or a reference', async () => {
    for (const number of Object.keys(TEST_CARDS)) {
      const t = await token(number);
      expect(t).not.toContain(number.slice(0, 8));
      const decision = await testProcessor.authorize({ token: t, amount: 100, currency: 'usd', capture: true, authenticated: true, attempt: 'a' });
      expect(JSON.stringify(decision)).not.toContain(number.slice(0, 8));
    }
  });

  it('decides by card, deterministically', async () => {
    const authorize = async (number: string, authenticated = false) =>
      testProcessor.authorize({ token: await token(number), amount: 100, currency: 'usd', capture: true, authenticated, attempt: 'a' });
    expect((await authorize('4242424242424242')).outcome).toBe('approved');
    expect(await authorize('4000000000009995')).toMatchObject({ outcome: 'declined', declineCode: 'insufficient_funds' });
    expect(await authorize('4000000000000200')).toMatchObject({ outcome: 'declined', declineCode: 'do_not_honor' });
    expect((await authorize('4000002760003184')).outcome).toBe('requires_action');
    expect((await authorize('4000002760003184', true)).outcome).toBe('approved');
    expect(await authorize('4000008260003178', true)).toMatchObject({ outcome: 'declined', declineCode: 'insufficient_funds' });
    // Any other valid number is approved.
    expect((await authorize('4111111111111111')).outcome).toBe('approved');
  });

  it('verifies cards for saving without regard to the balance', async () => {
    expect((await testProcessor.verify({ token: await token('4000000000009995'), authenticated: false })).outcome).toBe('approved');
    expect(await testProcessor.verify({ token: await token('4000000000009987'), authenticated: false })).toMatchObject({ outcome: 'declined', declineCode: 'lost_card' });
    expect((await testProcessor.verify({ token: await token('4000000000003220'), authenticated: false })).outcome).toBe('requires_action');
  });
});
