import { AppError } from '../../lib/errors.js';
import type { CardBrand, RawCard } from './processor.js';

/** Digits only: spaces and dashes between groups are accepted, anything else is not a card number. */
export function normalizeCardNumber(input: string): string | undefined {
  const compact = input.replace(/[ -]/g, '');
  return /^\d{12,19}$/.test(compact) ? compact : undefined;
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The card network from the number's leading digits (IIN ranges). */
export function detectBrand(digits: string): CardBrand {
  const n2 = Number(digits.slice(0, 2));
  const n3 = Number(digits.slice(0, 3));
  const n4 = Number(digits.slice(0, 4));
  const n6 = Number(digits.slice(0, 6));
  if (digits.startsWith('4')) return 'visa';
  if ((n2 >= 51 && n2 <= 55) || (n6 >= 222100 && n6 <= 272099)) return 'mastercard';
  if (n2 === 34 || n2 === 37) return 'amex';
  if (n4 === 6011 || n2 === 65 || (n3 >= 644 && n3 <= 649)) return 'discover';
  if (n2 === 36 || n2 === 38 || n2 === 39 || (n3 >= 300 && n3 <= 305)) return 'diners';
  if (n4 >= 3528 && n4 <= 3589) return 'jcb';
  if (n2 === 62) return 'unionpay';
  return 'unknown';
}

/** A card's expiry year in full: two digits (below 100) are read as 20YY, on every surface that takes a card. */
export function fullExpiryYear(year: number): number {
  return year < 100 ? 2000 + year : year;
}

/**
 * Validates card details before anything else sees them. Errors name the parameter (`prefix[number]`, …) and
 * never echo the value. `now` is the merchant's clock (unix seconds): a card expiring this month is still valid.
 */
export function validateRawCard(card: RawCard, now: number, prefix: string): RawCard {
  const number = normalizeCardNumber(card.number);
  if (number === undefined || !passesLuhn(number)) {
    throw new AppError('parameter_invalid', 'Your card number is incorrect.', { param: `${prefix}[number]` });
  }
  if (!Number.isInteger(card.exp_month) || card.exp_month < 1 || card.exp_month > 12) {
    throw new AppError('parameter_invalid', "Your card's expiration month is invalid.", { param: `${prefix}[exp_month]` });
  }
  const today = new Date(now * 1000);
  const year = today.getUTCFullYear();
  const month = today.getUTCMonth() + 1;
  const expYear = fullExpiryYear(card.exp_year);
  if (!Number.isInteger(expYear) || expYear < year || expYear > year + 50) {
    throw new AppError('parameter_invalid', `Your card's expiration year is ${expYear < year ? 'in the past' : 'invalid'}.`, {
      param: `${prefix}[exp_year]`,
    });
  }
  if (expYear === year && card.exp_month < month) {
    throw new AppError('parameter_invalid', "Your card's expiration date is in the past.", { param: `${prefix}[exp_month]` });
  }
  if (card.cvc !== undefined) {
    const want = detectBrand(number) === 'amex' ? /^\d{4}$/ : /^\d{3}$/;
    if (!want.test(card.cvc)) {
      throw new AppError('parameter_invalid', "Your card's security code is invalid.", { param: `${prefix}[cvc]` });
    }
  }
  return { number, exp_month: card.exp_month, exp_year: expYear, cvc: card.cvc };
}
