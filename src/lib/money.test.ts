import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findCurrency, isZeroDecimal } from './currencies.js';
import { money, MoneyOverflowError } from './money.js';

describe('money', () => {
  it('adds like integers while in range', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 99_999_999 }), { maxLength: 100 }), (xs) => {
        expect(money.add(...xs)).toBe(xs.reduce((a, b) => a + b, 0));
      }),
    );
  });
  it('refuses to leave the safe integer range', () => {
    expect(() => money.mul(Number.MAX_SAFE_INTEGER, 2)).toThrow(MoneyOverflowError);
    expect(() => money.add(0.5)).toThrow(MoneyOverflowError);
    expect(() => money.withinMax(100_000_000)).toThrow(MoneyOverflowError);
  });
  it('knows minor units', () => {
    expect(findCurrency('usd')?.exponent).toBe(2);
    expect(isZeroDecimal('jpy')).toBe(true);
    expect(findCurrency('kwd')?.exponent).toBe(3);
    expect(findCurrency('USD')).toBeUndefined();
    expect(findCurrency('iqd')?.exponent).toBe(3);
    expect(findCurrency('ghs')?.exponent).toBe(2);
    expect(findCurrency('huf')?.minimum).toBe(17_500);
    expect(findCurrency('usd')?.minimum).toBe(50);
    expect(findCurrency('xxx')).toBeUndefined();
  });
});
