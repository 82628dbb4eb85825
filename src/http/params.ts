import { z } from 'zod';
import { isCountryCode } from '../lib/countries.js';
import { METADATA_MAX_KEYS } from '../lib/metadata.js';

/**
 * Parameter builders shared by every endpoint. Form bodies and query strings carry text, JSON carries typed values;
 * both become the same parameter tree, so in a form or a query numbers and booleans are read from their decimal /
 * "true"|"false" spelling. A JSON body carries its types itself: there a string where a number or a boolean belongs
 * is a value of the wrong type (decisions.md, "Bodies"), answered 400 `parameter_invalid`.
 */

let typedInput = false;
const jsonBodies = new WeakSet();

/** Marks a parsed JSON body: its numbers and booleans carry their types. */
export function markJsonBody(body: object): void {
  jsonBodies.add(body);
}

/**
 * A JSON body with each top-level null that its parameter cannot take, but can go without, taken out: on a create
 * or an action, `"description": null` means no description, as if the parameter had not been sent (decisions.md,
 * "JSON null"). Updates keep their nulls, which unset a field or are refused where it cannot be unset.
 */
export function nullsAsAbsent(schema: z.ZodType, input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !jsonBodies.has(input)) return input;
  const shape = (schema as { shape?: Record<string, z.ZodType | undefined> }).shape;
  if (!shape) return input;
  const absent = new Set<string>();
  for (const [key, value] of Object.entries(input)) {
    // Only the schema's own fields: `constructor` or `toString` in a body are unknown parameters, not Object's.
    const field = value === null && Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (field && !field.safeParse(null).success && field.safeParse(undefined).success) absent.add(key);
  }
  if (absent.size === 0) return input;
  const out = Object.fromEntries(Object.entries(input).filter(([key]) => !absent.has(key)));
  markJsonBody(out);
  return out;
}

/** Runs a synchronous parse of `input`, knowing whether it is a JSON body (whose scalars carry their types). */
export function withTypedInput<T>(input: unknown, parse: () => T): T {
  const outer = typedInput;
  typedInput = typeof input === 'object' && input !== null && jsonBodies.has(input);
  try {
    return parse();
  } finally {
    typedInput = outer;
  }
}

/** The text spelling of a number or a boolean, refused inside a JSON body. */
export const zTextSpelling = <T extends z.ZodType>(schema: T, what: string) =>
  schema.refine(() => !typedInput, { error: `must be ${what}, not a string`, abort: true });

export const zInt = (min: number, max: number) =>
  z
    .union([z.number({ error: 'must be an integer' }), zTextSpelling(z.string().regex(/^-?\d{1,300}$/, 'must be an integer'), 'an integer').transform(Number)])
    .pipe(
      z
        .number()
        // Any whole number, even one beyond 2^53, so that a huge amount is "too large" rather than "not an integer".
        .refine((n) => Number.isInteger(n), { error: 'must be an integer', abort: true })
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );

export const zBool = () =>
  z.union([z.boolean(), zTextSpelling(z.enum(['true', 'false']), 'a boolean').transform((v) => v === 'true')], {
    error: 'must be a boolean',
  });

/** Control characters: every one, and every one but tab, line feed and carriage return (multiline text). */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const CONTROL_CHARACTERS_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A plain string without control characters (tabs and newlines allowed in free text when multiline). */
export const zText = (max: number, options: { multiline?: boolean; min?: number } = {}) =>
  z
    .string({ error: 'must be a string' })
    .min(options.min ?? 0, { error: `must be at least ${options.min ?? 0} characters` })
    .max(max, { error: `must be at most ${max} characters` })
    .refine((s) => !(options.multiline ? CONTROL_CHARACTERS_BUT_LINE_BREAKS : CONTROL_CHARACTERS).test(s), {
      error: 'must not contain control characters',
    });

/** A text field that an update may unset with "" or null. */
export const zUnsettable = (max: number) => z.union([zText(max), z.null()]);

export const zEmail = () =>
  zText(512).refine((s) => s === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s), { error: 'must be an email address' });

/** Object ids: printable ASCII letters, digits and underscores. */
export const zId = (prefix?: string) =>
  z
    .string({ error: 'must be a string' })
    .regex(/^[A-Za-z0-9_]{1,255}$/, { error: 'is not a valid id' })
    .refine((s) => !prefix || s.startsWith(`${prefix}_`), { error: `must be an id beginning with '${prefix ?? ''}_'` });

export { METADATA_MAX_KEYS };

/**
 * Whether a text is longer than `max` characters as a reader counts them (code points: an emoji is one, not the two
 * UTF-16 units of `length`). Only a text whose `length` is over `max` is counted.
 */
function longerThan(s: string, max: number): boolean {
  return s.length > max && charCount(s) > max;
}

/** Characters as a reader counts them (code points). */
export function charCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n -= 1;
        i += 1;
      }
    }
  }
  return n;
}
export const METADATA_KEY_MAX = 40;
export const METADATA_VALUE_MAX = 500;

/**
 * Metadata (decisions.md §9): ≤50 keys, keys ≤40 chars, string values ≤500 chars, `fluveo_` keys reserved. A key
 * set to "" (or JSON null) is removed on update; `metadata=""` (or null) clears the whole set. `options` narrow it
 * for one field: fewer keys, and keys refused in any case (checkout's `payment_intent_data.metadata`: at most 32
 * keys, never `order_id` or `invoice`).
 */
export const zMetadata = (options: { maxKeys?: number; reservedKeys?: readonly string[] } = {}) =>
  z.union([
    z.literal(''),
    z.null().transform(() => '' as const),
    z
      .record(z.string(), z.unknown())
      .superRefine((rec, ctx) => {
        const keys = Object.keys(rec);
        const maxKeys = options.maxKeys ?? METADATA_MAX_KEYS;
        if (keys.length > maxKeys) {
          ctx.addIssue({ code: 'custom', message: `can have at most ${maxKeys} keys` });
        }
        for (const key of keys) {
          const value = rec[key];
          if (key.length === 0 || longerThan(key, METADATA_KEY_MAX) || /[\u0000-\u001f\u007f[\]]/.test(key)) {
            ctx.addIssue({ code: 'custom', path: [key], message: `keys must be 1 to ${METADATA_KEY_MAX} characters without brackets or control characters` });
          } else if (key.toLowerCase().startsWith('fluveo_')) {
            ctx.addIssue({ code: 'custom', path: [key], message: "keys beginning with 'fluveo_' are reserved" });
          } else if (options.reservedKeys?.includes(key.toLowerCase())) {
            ctx.addIssue({ code: 'custom', path: [key], message: `the key '${key}' is reserved here` });
          } else if (typeof value !== 'string' && value !== null) {
            ctx.addIssue({ code: 'custom', path: [key], message: 'values must be strings' });
          } else if (value !== null && CONTROL_CHARACTERS_BUT_LINE_BREAKS.test(value)) {
            // Tabs and line breaks are text; other control characters (NUL above all) are refused, as in every text field.
            ctx.addIssue({ code: 'custom', path: [key], message: 'values must not contain control characters other than tabs and line breaks' });
          } else if (value !== null && longerThan(value, METADATA_VALUE_MAX)) {
            ctx.addIssue({ code: 'custom', path: [key], message: `values must be at most ${METADATA_VALUE_MAX} characters` });
          }
        }
      })
      // A JSON null for a key means the same as "": remove that key.
      .transform((rec) => Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, v ?? ''])) as Record<string, string>),
  ]);

export const zAddress = () =>
  z.strictObject({
    line1: zUnsettable(200).optional(),
    line2: zUnsettable(200).optional(),
    city: zUnsettable(200).optional(),
    state: zUnsettable(200).optional(),
    postal_code: zUnsettable(50).optional(),
    country: z
      .union([
        z
          .string()
          .regex(/^[A-Za-z]{2}$/, { error: 'must be a two-letter country code' })
          .transform((s) => s.toUpperCase())
          .refine(isCountryCode, { error: 'must be an ISO 3166-1 alpha-2 country code' }),
        z.null(),
      ])
      .optional(),
  });

/** `expand` as `expand[]=a&expand[]=b`, `expand=a` or a JSON array. */
export const zExpand = () =>
  z
    .union([zText(200), z.array(zText(200)).max(20, { error: 'can list at most 20 fields' })])
    .transform((v) => (Array.isArray(v) ? v : [v]));

const zCreatedBound = zInt(0, 99_999_999_999);

/** `created` filter: an exact timestamp or any of gt/gte/lt/lte. */
export const zCreatedFilter = () =>
  z.union([
    zCreatedBound,
    z.strictObject({
      gt: zCreatedBound.optional(),
      gte: zCreatedBound.optional(),
      lt: zCreatedBound.optional(),
      lte: zCreatedBound.optional(),
    }),
  ]);

/** The parameters every list endpoint takes. */
export const listParams = {
  limit: zInt(1, 100).optional(),
  starting_after: zId().optional(),
  ending_before: zId().optional(),
  expand: zExpand().optional(),
};

export const expandParam = { expand: zExpand().optional() };
