import { z } from 'zod';
import { findCurrency, MAX_AMOUNT } from '../lib/currencies.js';
import { DECIMAL_AMOUNT_PATTERN } from '../lib/decimal-amount.js';
import { zInt, zText } from './params.js';

/**
 * Parameter builders for money and catalog fields (prices, products, shipping rates, checkout's inline prices).
 */

/** A supported ISO-4217 code in lowercase. Upper-case spellings are refused, not folded: the wire format is lowercase. */
export const zCurrency = () =>
  z.string({ error: 'must be a string' }).superRefine((s, ctx) => {
    if (/^[A-Za-z]{3}$/.test(s) && s !== s.toLowerCase()) {
      ctx.addIssue({ code: 'custom', message: `must be a three-letter ISO currency code in lowercase ('${s.toLowerCase()}')` });
    } else if (!/^[a-z]{3}$/.test(s)) {
      ctx.addIssue({ code: 'custom', message: 'must be a three-letter ISO currency code in lowercase' });
    } else if (!findCurrency(s)) {
      ctx.addIssue({ code: 'custom', message: `'${s}' is not a supported currency` });
    }
  });

/** An amount in minor units: an integer from 0 to the per-field maximum (99,999,999). */
export const zAmount = () => zInt(0, MAX_AMOUNT);

/** A decimal amount in minor units with at most 12 decimal places, as a string (a JSON number is accepted too). */
export const zDecimalAmount = () =>
  z
    .union([z.string(), z.number().transform((n) => String(n))], { error: 'must be a decimal string' })
    .pipe(z.string().regex(DECIMAL_AMOUNT_PATTERN, { error: 'must be a non-negative decimal with at most 12 decimal places' }));

export const zTaxBehavior = () => z.enum(['inclusive', 'exclusive', 'unspecified']);

/** A tax code id such as `txcd_99999999`. */
export const zTaxCode = () =>
  z.string({ error: 'must be a string' }).regex(/^txcd_\d{8}$/, { error: "must be a tax code id such as 'txcd_99999999'" });

export const zRecurringInterval = () => z.enum(['day', 'week', 'month', 'year']);

/** An absolute http(s) URL. */
export const zUrl = () =>
  zText(2048, { min: 1 }).refine(
    (s) => {
      try {
        const u = new URL(s);
        return u.protocol === 'https:' || u.protocol === 'http:';
      } catch {
        return false;
      }
    },
    { error: 'must be an absolute http or https URL' },
  );

/** Up to 22 characters, at least one letter, none of < > \ ' " * (what card statements accept). */
export const zStatementDescriptor = () =>
  zText(22)
    .refine((s) => !/[<>\\'"*]/.test(s), { error: 'must not contain < > \\ \' " or *' })
    .refine((s) => s === '' || /[A-Za-z]/.test(s), { error: 'must contain at least one letter' });
