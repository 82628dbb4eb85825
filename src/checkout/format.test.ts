import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countryName, formatAmount, minorToDecimal } from './format.js';
import { deliveryEstimateText } from './load-session.js';

describe('money formatting for the checkout pages', () => {
  it('formats two-decimal currencies from minor units', () => {
    expect(formatAmount(1050, 'usd')).toBe('$10.50');
    expect(formatAmount(5, 'usd')).toBe('$0.05');
    expect(formatAmount(0, 'usd')).toBe('$0.00');
    expect(formatAmount(123456789, 'eur')).toBe('€1,234,567.89');
    expect(formatAmount(99_999_999, 'gbp')).toBe('£999,999.99');
  });

  it('formats zero-decimal currencies as whole units', () => {
    expect(formatAmount(1500, 'jpy')).toBe('¥1,500');
    expect(formatAmount(500, 'krw')).toBe('₩500');
    expect(formatAmount(12000, 'clp')).toMatch(/^CLP\s?12,000$|^\$12,000$/);
  });

  it('formats three-decimal currencies with three decimals', () => {
    expect(formatAmount(1234, 'kwd')).toMatch(/1\.234$/);
    expect(formatAmount(5, 'bhd')).toMatch(/0\.005$/);
  });

  it('follows the currency table even where the formatter disagrees (ISK has 2 decimals here)', () => {
    expect(formatAmount(1200, 'isk')).toMatch(/12\.00$/);
  });

  it('converts exactly, without float rounding (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.constantFrom(0, 2, 3), (n, e) => {
        const d = minorToDecimal(n, e);
        expect(d.replace('.', '').replace(/^0+(?=\d)/, '')).toBe(String(n));
        if (e > 0) expect(d.split('.')[1]).toHaveLength(e);
        else expect(d).not.toContain('.');
      }),
    );
    expect(minorToDecimal(-105, 2)).toBe('-1.05');
    expect(() => minorToDecimal(1.5, 2)).toThrow(RangeError);
  });

  it('names countries', () => {
    expect(countryName('FR')).toBe('France');
    expect(countryName('us')).toBe('United States');
  });

  it('describes delivery estimates', () => {
    expect(deliveryEstimateText({ delivery_estimate: null })).toBeNull();
    expect(
      deliveryEstimateText({ delivery_estimate: { minimum: { unit: 'business_day', value: 3 }, maximum: { unit: 'business_day', value: 5 } } }),
    ).toBe('3–5 business days');
    expect(deliveryEstimateText({ delivery_estimate: { minimum: null, maximum: { unit: 'week', value: 1 } } })).toBe('Up to 1 week');
    expect(deliveryEstimateText({ delivery_estimate: { minimum: { unit: 'day', value: 1 }, maximum: { unit: 'week', value: 2 } } })).toBe(
      '1 day to 2 weeks',
    );
  });
});
