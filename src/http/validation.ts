import type { z } from 'zod';
import { MAX_AMOUNT } from '../lib/currencies.js';
import { AppError } from '../lib/errors.js';
import { withTypedInput } from './params.js';

/** `['address', 'line1']` → `address[line1]`; `['line_items', 0, 'price']` → `line_items[0][price]`. */
export function paramName(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return (head ?? '') + rest.map((p) => `[${p}]`).join('');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

/**
 * Parses input with the schema; the first problem becomes the documented error: an unknown parameter →
 * `parameter_unknown`, an absent required one → `parameter_missing`, anything else → `parameter_invalid`,
 * each naming `param` in bracket notation.
 */
export function parseParams<S extends z.ZodType>(schema: S, input: unknown, prefix: PropertyKey[] = []): z.output<S> {
  const result = withTypedInput(input, () => schema.safeParse(input ?? {}));
  if (result.success) return result.data;
  const issues = result.error.issues;
  const unknown = issues.find((i) => i.code === 'unrecognized_keys');
  if (unknown && unknown.code === 'unrecognized_keys') {
    const name = paramName([...prefix, ...unknown.path, unknown.keys[0] ?? '']);
    throw new AppError('parameter_unknown', `Received unknown parameter: ${name}`, { param: name });
  }
  // Any problem reported at a path the input does not have is an absent parameter (a plain required field fails
  // with invalid_type, one accepting several spellings with invalid_union, a conditional requirement with custom).
  const missing = issues.find((i) => i.path.length > 0 && valueAt(input, i.path) === undefined);
  if (missing) {
    const name = paramName([...prefix, ...missing.path]);
    throw new AppError('parameter_missing', `Missing required param: ${name}.`, { param: name });
  }
  const top = issues[0];
  const first = deepestIssue(top);
  const name = paramName([...prefix, ...first.path]);
  // A field left out of a hash that was given (found inside a union, such as "a hash or '' to clear") is absent too.
  if (first.path.length > 0 && valueAt(input, first.path) === undefined && isHash(valueAt(input, first.path.slice(0, -1)))) {
    throw new AppError('parameter_missing', `Missing required param: ${name}.`, { param: name });
  }
  const message = issueMessage(top, first, valueAt(input, first.path) === null);
  // An amount above the per-field maximum of 99,999,999 minor units is the documented `amount_too_large`.
  if (first.code === 'too_big' && Number(first.maximum) === MAX_AMOUNT) {
    throw new AppError('amount_too_large', `Invalid ${name}: ${message}.`, { param: name });
  }
  throw new AppError('parameter_invalid', `Invalid ${name || 'parameters'}: ${message}.`, { param: name || null });
}

type Issue = z.core.$ZodIssue;

function isHash(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** What a type mismatch means, in words, when the schema gave none of its own. */
const EXPECTED: Record<string, string> = {
  string: 'must be a string',
  number: 'must be a number',
  int: 'must be an integer',
  boolean: 'must be a boolean (true or false)',
  object: 'must be an object (a hash of parameters)',
  array: 'must be an array (a list)',
};

/**
 * The words after "Invalid <param>:". A check of our own (a refinement, a bound, a schema's own type message) says
 * exactly what is wrong and is used as it is; Zod's own wording for a type mismatch ("Invalid input: expected
 * string, received array") is replaced by what the parameter must be, and the one alternative of a union that
 * happened to be tried last, which says little, by a general statement. A JSON null where the parameter cannot be
 * null says so.
 */
function issueMessage(top: Issue | undefined, first: Issue, isNull: boolean): string {
  const mismatch = first.code === 'invalid_type' || first.code === 'invalid_union' || first.code === 'invalid_value';
  if (isNull && mismatch) return 'cannot be null';
  if (first.code === 'invalid_union' || (top?.code === 'invalid_union' && first.code === 'invalid_value')) {
    return 'has the wrong type or format';
  }
  if (first.code === 'invalid_type') {
    if (!first.message.startsWith('Invalid input')) return first.message;
    return EXPECTED[first.expected] ?? 'has the wrong type or format';
  }
  return first.message;
}

/**
 * Union failures hide the useful message inside their branches: prefer a branch's own check (a refinement, a
 * bound) over "wrong type" reports, and the deepest path among them.
 */
function deepestIssue(issue: Issue | undefined): Issue {
  if (!issue) return { code: 'custom', path: [], message: 'invalid', input: undefined } as Issue;
  if (issue.code !== 'invalid_union') return issue;
  const candidates: Issue[] = [];
  for (const branch of issue.errors) {
    for (const inner of branch) candidates.push(deepestIssue({ ...inner, path: [...issue.path, ...inner.path] } as Issue));
  }
  const generic = new Set(['invalid_type', 'invalid_union', 'invalid_value']);
  const specific = candidates.filter((c) => !generic.has(c.code));
  const pool = specific.length ? specific : candidates;
  pool.sort((a, b) => b.path.length - a.path.length);
  return pool[0] ?? issue;
}
