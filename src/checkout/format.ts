import { findCurrency } from '../lib/currencies.js';

/** The checkout pages are written in English; numbers follow its conventions. */
export const PAGE_LOCALE = 'en-US';

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(code: string, exponent: number): Intl.NumberFormat {
  let f = formatters.get(code);
  if (!f) {
    f = new Intl.NumberFormat(PAGE_LOCALE, {
      style: 'currency',
      currency: code.toUpperCase(),
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    formatters.set(code, f);
  }
  return f;
}

/**
 * The exact decimal text of an integer amount in minor units (`1050`, exponent 2 → `"10.50"`), built from the
 * integer so no floating-point rounding can creep in.
 */
export function minorToDecimal(amount: number, exponent: number): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError('Amounts are integers in minor units.');
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${amount < 0 ? '-' : ''}${whole}${fraction}`;
}

/**
 * An amount in minor units formatted for its currency: `formatAmount(1050, 'usd')` → `$10.50`,
 * `formatAmount(1500, 'jpy')` → `¥1,500` (zero-decimal), `formatAmount(1234, 'kwd')` → `KWD 1.234`.
 * The number of decimals always follows Railyard's currency table, never the formatter's own idea of it.
 */
export function formatAmount(amount: number, currency: string): string {
  const exponent = findCurrency(currency)?.exponent ?? 2;
  const decimal = minorToDecimal(amount, exponent);
  // Intl formats decimal strings exactly (no conversion through a binary float).
  return formatterFor(currency, exponent).format(decimal as unknown as number);
}

const regionNames = new Intl.DisplayNames([PAGE_LOCALE], { type: 'region', fallback: 'code' });

/** The English name of an ISO 3166-1 alpha-2 country code (`FR` → `France`); the code itself when unknown. */
export function countryName(code: string): string {
  try {
    return regionNames.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

const dateFormatter = new Intl.DateTimeFormat(PAGE_LOCALE, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** A unix time for people: `Mar 9, 2026, 2:05 PM UTC`. */
export function formatTime(unixSeconds: number): string {
  return `${dateFormatter.format(new Date(unixSeconds * 1000))} UTC`;
}
