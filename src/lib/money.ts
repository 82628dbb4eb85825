import { MAX_AMOUNT } from './currencies.js';

/** Raised when money arithmetic would leave the safe integer range or the documented maximum. */
export class MoneyOverflowError extends Error {
  constructor(message = 'Amount exceeds the maximum allowed.') {
    super(message);
    this.name = 'MoneyOverflowError';
  }
}

function check(n: number): number {
  if (!Number.isSafeInteger(n)) throw new MoneyOverflowError();
  return n;
}

/** Checked integer arithmetic on minor units. Every intermediate stays a safe integer. */
export const money = {
  add(...values: number[]): number {
    let total = 0;
    for (const v of values) total = check(check(total) + check(v));
    return total;
  },
  sub(a: number, b: number): number {
    return check(check(a) - check(b));
  },
  mul(a: number, b: number): number {
    return check(check(a) * check(b));
  },
  /** Throws when the amount is above the per-field maximum. */
  withinMax(amount: number, max: number = MAX_AMOUNT): number {
    if (check(amount) > max) throw new MoneyOverflowError(`Amount must be at most ${max}.`);
    return amount;
  },
};
