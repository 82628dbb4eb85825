import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import qs from 'qs';
import { AppError } from '../lib/errors.js';
import { markJsonBody } from './params.js';
import { paramName } from './validation.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Deep enough for `line_items[0][price_data][product_data][metadata][k]`, no deeper. */
export const MAX_PARAM_DEPTH = 6;
/** Elements per array (a checkout takes up to 100 line items). */
export const MAX_ARRAY_ELEMENTS = 100;
/** Name=value pairs in one form body or query string. */
export const MAX_FORM_PARAMETERS = 5_000;
/** Nesting of a JSON body: far beyond any documented parameter, low enough to keep every walk shallow. */
const MAX_JSON_DEPTH = 32;

const QS_OPTIONS = {
  depth: MAX_PARAM_DEPTH,
  strictDepth: true,
  arrayLimit: MAX_ARRAY_ELEMENTS,
  parameterLimit: MAX_FORM_PARAMETERS,
  throwOnLimitExceeded: true,
  // Null-prototype containers: `toString=1` is kept as a parameter (and refused as unknown) instead of being dropped.
  plainObjects: true,
  allowPrototypes: true,
  allowDots: false,
} as const;

/** `name`, `name[]`, `a[b][0][c]`: a name followed by bracket segments, nothing else. */
const FORM_KEY = /^[^[\]]+(?:\[[^[\]]*\])*$/;

function decodeFormComponent(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** A pair's name, as written (still percent-encoded) and decoded (undefined when its encoding is malformed). */
function pairKey(pair: string): { raw: string; key: string | undefined; eq: number } {
  const eq = pair.indexOf('=');
  const raw = eq === -1 ? pair : pair.slice(0, eq);
  return { raw, key: decodeFormComponent(raw), eq };
}

/** A bracket name's segments: `a[b][0][]` → `a`, `b`, `0`, `` (empty for a push). */
function keySegments(key: string): string[] {
  const bracket = key.indexOf('[');
  return [bracket === -1 ? key : key.slice(0, bracket), ...[...key.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? '')];
}

function shortName(name: string): string {
  return name.length > 200 ? `${name.slice(0, 200)}…` : name;
}

/**
 * Checks what `qs` would otherwise silently reinterpret or drop: malformed percent-encoding, keys outside the bracket
 * grammar (`[x]`, `a[b`), nesting beyond the limit and the `__proto__` key. Each problem names the parameter.
 */
function checkFormPairs(text: string, what: string): void {
  let pairs = 0;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    if (++pairs > MAX_FORM_PARAMETERS) {
      throw new AppError('body_invalid', `The ${what} has more than ${MAX_FORM_PARAMETERS} parameters.`);
    }
    const { raw: rawKey, key, eq } = pairKey(pair);
    if (key === undefined) {
      throw new AppError('body_invalid', `The ${what} has a parameter name with malformed percent-encoding: ${shortName(rawKey)}.`);
    }
    if (!FORM_KEY.test(key)) {
      throw new AppError(
        'body_invalid',
        `The ${what} has a malformed parameter name: ${shortName(key)}. Use name, name[key] or name[] (e.g. metadata[order_id]).`,
        { param: shortName(key) },
      );
    }
    if (key.split('[').length - 1 > MAX_PARAM_DEPTH) {
      throw new AppError('body_invalid', `The parameter ${shortName(key)} is nested more than ${MAX_PARAM_DEPTH} levels deep.`, {
        param: shortName(key),
      });
    }
    const names = keySegments(key);
    const proto = names.indexOf('__proto__');
    if (proto !== -1) {
      const name = paramName(names.slice(0, proto + 1));
      throw new AppError('parameter_unknown', `Received unknown parameter: ${name}`, { param: name });
    }
    if (eq !== -1 && decodeFormComponent(pair.slice(eq + 1)) === undefined) {
      throw new AppError('body_invalid', `The value of ${shortName(key)} has malformed percent-encoding.`, { param: shortName(key) });
    }
  }
}

/**
 * The array a form body fills beyond MAX_ARRAY_ELEMENTS (an index of 100 or more, or more than 100 `[]` pushes), as
 * a parameter name (`line_items`, `line_items[0][tiers]`), so that the error names it as a JSON body's would.
 */
function overfullArray(text: string): string | undefined {
  const pushes = new Map<string, number>();
  for (const { parent: array, segment } of containerSegments(text)) {
    if (/^\d+$/.test(segment) && Number(segment) >= MAX_ARRAY_ELEMENTS) return array;
    if (segment === '') {
      const n = (pushes.get(array) ?? 0) + 1;
      if (n > MAX_ARRAY_ELEMENTS) return array;
      pushes.set(array, n);
    }
  }
  return undefined;
}

/**
 * Every segment after the first of every key in a form (`line_items[0][price]` → `0` under `line_items`, `price`
 * under `line_items[0]`), with the parameter it is a segment of and the segment before it.
 */
function* containerSegments(text: string): Generator<{ parent: string; segment: string; previous: string }> {
  for (const pair of text.split('&')) {
    const { key } = pairKey(pair);
    if (!key) continue;
    const names = keySegments(key);
    for (let i = 1; i < names.length; i++) {
      yield { parent: paramName(names.slice(0, i)), segment: names[i] ?? '', previous: names[i - 1] ?? '' };
    }
  }
}

/**
 * The first parameter given both as a list (`metadata[]=x`) and with named entries (`metadata[a]=1`):
 * qs would make the list's elements keys `0`, `1`, … among the others, so `metadata[a]=1&metadata[]=x` would store a
 * key `0` nobody sent. Such a parameter is neither a list nor a map, and is refused like any value of the wrong type.
 */
function mixedContainer(text: string): string | undefined {
  if (!/\[\]|%5B%5D/i.test(text)) return undefined;
  const pushed = new Set<string>();
  const named = new Set<string>();
  for (const { parent, segment, previous } of containerSegments(text)) {
    // A numbered entry (`expand[0]`) is a list's too, but in metadata, where `0` is a key (see markMapKeys).
    if (segment === '') pushed.add(parent);
    else if (!/^\d+$/.test(segment) || previous === 'metadata') named.add(parent);
    else continue;
    if (pushed.has(parent) && named.has(parent)) return parent;
  }
  return undefined;
}

/**
 * Marks a numeric key right after a `metadata` segment (`metadata[0]=a`, `line_items[0][metadata][12]=b`): metadata
 * is a map of string keys, so `0` there is a key, as it is in a JSON body, not an array index, but qs makes an array
 * of any numeric segment. The marked key (`\u001e0`) is not numeric, and unmarkMapKeys takes one mark off every key
 * after parsing; a name or key that already begins with the mark gets a second one here, so it comes back as given.
 */
const MAP_KEY_MARK = '\u001e';

function markMapKeys(text: string): string {
  if (!/metadata(?:\]|%5D)?(?:\[|%5B)\d/i.test(text)) return text;
  return text
    .split('&')
    .map((pair) => {
      const { key, eq } = pairKey(pair);
      if (key === undefined || !FORM_KEY.test(key)) return pair;
      const segments = keySegments(key);
      const marked = segments.map((segment, i) => {
        if (segment.startsWith(MAP_KEY_MARK)) return MAP_KEY_MARK + segment;
        return i > 0 && segments[i - 1] === 'metadata' && /^\d+$/.test(segment) ? MAP_KEY_MARK + segment : segment;
      });
      const rebuilt = (marked[0] ?? '') + marked.slice(1).map((segment) => `[${segment}]`).join('');
      return encodeURIComponent(rebuilt) + (eq === -1 ? '' : pair.slice(eq));
    })
    .join('&');
}

function unmarkMapKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unmarkMapKeys);
  if (value === null || typeof value !== 'object') return value;
  // A null-prototype container, as qs makes them (plainObjects).
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    out[key.startsWith(MAP_KEY_MARK) ? key.slice(MAP_KEY_MARK.length) : key] = unmarkMapKeys(inner);
  }
  return out;
}

function parseForm(text: string, what: string): Record<string, unknown> {
  checkFormPairs(text, what);
  const mixed = mixedContainer(text);
  if (mixed !== undefined) {
    throw new AppError('parameter_invalid', `Invalid ${mixed}: has the wrong type or format.`, { param: mixed });
  }
  try {
    const marked = markMapKeys(text);
    const tree = qs.parse(marked, QS_OPTIONS);
    return marked === text ? tree : (unmarkMapKeys(tree) as Record<string, unknown>);
  } catch (err) {
    const msg = err instanceof Error ? err.message : '';
    const array = msg.startsWith('Array limit') ? overfullArray(text) : undefined;
    if (array) {
      throw new AppError('parameter_invalid', `Invalid ${array}: must have at most ${MAX_ARRAY_ELEMENTS} elements.`, { param: array });
    }
    const reason = msg.startsWith('Array limit')
      ? `an array has more than ${MAX_ARRAY_ELEMENTS} elements`
      : msg.startsWith('Parameter limit')
        ? `it has more than ${MAX_FORM_PARAMETERS} parameters`
        : msg.includes('depth')
          ? `it is nested more than ${MAX_PARAM_DEPTH} levels deep`
          : 'it is malformed';
    throw new AppError('body_invalid', `The ${what} could not be parsed: ${reason}.`);
  }
}

/** A bracket-syntax form body (`metadata[k]=v`, `line_items[0][price]=…`) as a parameter tree; 400 when malformed. */
export function parseBracketForm(text: string): Record<string, unknown> {
  return parseForm(text, 'form body');
}

/** Set on a parsed query string that could not be parsed; holds the error the handler answers with. */
export const INVALID_QUERY = Symbol('invalid query');

/** Query strings use the same bracket syntax; a query that cannot be parsed is reported once the caller is known. */
export function parseQueryString(text: string): Record<string | symbol, unknown> {
  try {
    return parseForm(text, 'query string');
  } catch (err) {
    return { [INVALID_QUERY]: err };
  }
}

/** The error recorded by parseQueryString, if any. */
export function queryError(query: unknown): AppError | undefined {
  const err = (query as Record<symbol, unknown> | null | undefined)?.[INVALID_QUERY];
  if (err instanceof AppError) return err;
  return err ? new AppError('body_invalid', 'The query string could not be parsed.') : undefined;
}

/**
 * Refuses what JSON can carry but a parameter tree must not: nesting deeper than MAX_JSON_DEPTH and the key
 * `__proto__` (which would otherwise vanish or rewrite an object's prototype further on). Iterative, so a deeply
 * nested body cannot exhaust the stack.
 */
function checkJsonTree(root: object): void {
  const stack: { value: unknown; path: string[] }[] = [{ value: root, path: [] }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, path } = item;
    if (typeof value === 'string' && LONE_SURROGATE.test(value)) throw notUnicode(path);
    if (value === null || typeof value !== 'object') continue;
    if (path.length > MAX_JSON_DEPTH) {
      throw new AppError('body_invalid', `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, path: [...path, String(i)] }));
      continue;
    }
    for (const key of Object.keys(value)) {
      const childPath = [...path, key];
      if (LONE_SURROGATE.test(key)) throw notUnicode(path.length > 0 ? path : childPath);
      if (key === '__proto__') {
        const name = shortName(paramName(childPath));
        throw new AppError('parameter_unknown', `Received unknown parameter: ${name}`, { param: name });
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: childPath });
    }
  }
}

/**
 * Half of a UTF-16 surrogate pair on its own: JSON can spell one (`"\\ud800"`), but it is no character, and no text
 * column of either engine (PostgreSQL's JSON least of all) takes it. Forms and query strings cannot carry one: its
 * percent-encoding is not valid UTF-8 and is refused when decoded.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function notUnicode(path: string[]): AppError {
  const name = shortName(paramName(path));
  return path.length === 0
    ? new AppError('body_invalid', 'The request body holds text that is not valid Unicode (half of a surrogate pair).')
    : new AppError('parameter_invalid', `Invalid ${name}: must be valid Unicode text (it holds half of a surrogate pair).`, { param: name });
}

/**
 * The body as text; undefined when its bytes are not UTF-8 (decoding them would silently store replacement
 * characters instead of what the client meant).
 */
function utf8Text(body: string | Buffer): string | undefined {
  if (typeof body === 'string') return body;
  return isUtf8(body) ? body.toString('utf8') : undefined;
}

function notUtf8(): AppError {
  return new AppError('body_invalid', 'The request body is not valid UTF-8 text.');
}

/** JSON objects and bracket forms both become one parameter tree; an empty body is `{}`. */
export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_req, body, done) => {
    const text = utf8Text(body);
    if (text === undefined) return done(notUtf8(), undefined);
    if (text.trim() === '') return done(null, {});
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return done(new AppError('body_invalid', 'The request body is not valid JSON.'), undefined);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return done(new AppError('body_invalid', 'The request body must be a JSON object.'), undefined);
    }
    try {
      checkJsonTree(value);
    } catch (err) {
      return done(err as Error, undefined);
    }
    markJsonBody(value);
    done(null, value);
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES },
    (_req, body, done) => {
      const text = utf8Text(body);
      if (text === undefined) return done(notUtf8(), undefined);
      try {
        done(null, parseBracketForm(text));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
}
