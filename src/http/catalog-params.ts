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
      ctx.addIssue({
        code: 'custom',
        message: `must be a three-letter ISO currency code in lowercase ('${s.toLowerCase()}')`,
      });
    } else if (!/^[a-z]{3}$/.test(s)) {
      ctx.addIssue({ code: 'custom', message: 'must be a three-letter ISO currency code in lowercase' });
    } else if (!findCurrency(s)) {
      ctx.addIssue({ code: 'custom', message: `'${s}' is not a supported currency` });
    }
  });

/**
 * Marks a field whose schema accepts several spellings (a union: number or numeric text, boolean or "true") as
 * required, so that its absence is reported as `parameter_missing` rather than as a value of the wrong type.
 * `.optional()` on the result still lets the field be left out.
 */
export const zRequired = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value, ctx) => {
    if (value === undefined) {
      ctx.addIssue({ code: 'invalid_type', expected: 'nonoptional', input: value, message: 'is required' } as never);
      return z.NEVER;
    }
    return value;
  }, schema);

/** An amount in minor units: an integer from 0 to the per-field maximum (99,999,999). */
export const zAmount = () => zRequired(zInt(0, MAX_AMOUNT));

/** A decimal amount in minor units with at most 12 decimal places, as a string (a JSON number is accepted too). */
export const zDecimalAmount = () =>
  z
    .union([z.string(), z.number().transform((n) => String(n))], { error: 'must be a decimal string' })
    .pipe(
      z
        .string()
        .regex(DECIMAL_AMOUNT_PATTERN, { error: 'must be a non-negative decimal with at most 12 decimal places' }),
    );

export const zTaxBehavior = () => zOneOf(['inclusive', 'exclusive', 'unspecified']);

/** A tax code id such as `txcd_99999999`. */
export const zTaxCode = () =>
  z
    .string({ error: 'must be a string' })
    .regex(/^txcd_\d{8}$/, { error: "must be a tax code id such as 'txcd_99999999'" });

export const zRecurringInterval = () => zOneOf(['day', 'week', 'month', 'year']);

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

/**
 * One of a closed set of strings. Spelled as a string piped into the enum so that an absent required value is
 * reported as `parameter_missing` (a bare enum reports absence as an invalid value).
 */
export const zOneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string({ error: `must be one of ${values.join(', ')}` })
    .pipe(z.enum(values, { error: `must be one of ${values.join(', ')}` }));
