import fc from 'fast-check';
import type { z } from 'zod';
import { endpoints } from '../../src/api/v1/index.js';
import type { AnyEndpoint } from '../../src/http/endpoint.js';

/**
 * The request model of the hostile-input fuzzer: fast-check arbitraries generated from the registered endpoints.
 * Paths come from every endpoint's paths (ids real, of another type, of another tenant, random or junk); query
 * strings and bodies are trees built from each schema's keys, where any node may be swapped for junk (wrong types,
 * huge or control-character strings, unicode, deep nesting, long arrays, reserved keys), sent as JSON or as bracket
 * forms; headers vary the key, Idempotency-Key, X-API-Version and Content-Type. A small share of requests is sent
 * as raw bytes (what an HTTP client library refuses to produce).
 */

export interface FuzzRequest {
  /** `http`: sent with node:http; `raw`: written byte for byte on a socket. */
  kind: 'http' | 'raw';
  method: string;
  /** Path and query string, already encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** For `raw`: the whole request text (latin1). */
  raw?: string;
  /** The endpoint the request was derived from ("junk" for random paths). */
  target: string;
}

/** What the model aims at: the keys and ids of the fuzzed merchant, and a few of other tenants. */
export interface FuzzContext {
  keys: {
    secret: string;
    publishable: string;
    live: string;
    livePublishable: string;
    otherMerchant: string;
    revoked: string;
  };
  /** Real ids by prefix (`cus`, `pi`, …) of the fuzzed merchant in test mode. */
  ids: Record<string, string[]>;
  /** Ids of another merchant (must answer like unknown ids). */
  foreignIds: string[];
  clientSecrets: string[];
}

type Tree = unknown;

// ---------------------------------------------------------------------------------------------------------------
// Junk values

const CONTROL = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u2028',
  '\ufeff',
);
const WEIRD_TEXT = fc.constantFrom(
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'null',
  'undefined',
  'NaN',
  'true',
  '-1',
  '1e309',
  '0x10',
  '1.5',
  "'; drop table customers; --",
  '" or 1=1 --',
  '%00',
  '%zz',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${7*7}',
  '\u202e\u0644\u0627',
  '🚀💳🧾',
  'Z\u0351\u0352\u0353\u0354',
  '\ud800',
  'ǅ\u0301',
  'a[b]',
  '[0]',
  'x'.repeat(256),
  'fluveo_reserved',
);

const junkString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: WEIRD_TEXT },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 8 }), CONTROL, fc.string({ maxLength: 8 }))
      .map(([a, c, b]) => a + c + b),
  },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 70_000 }).map((n) => 'é'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }).map((n) => 'A'.repeat(n * 1000)) },
);

const junkNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    0.5,
    -0.000001,
    2 ** 31,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 63),
    1e21,
    1e308,
    Number.MAX_SAFE_INTEGER,
    99_999_999_999_999,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Nests `leaf` n levels deep in objects or arrays. */
const nested = (n: number, leaf: Tree, arrays: boolean): Tree => {
  let v: Tree = leaf;
  for (let i = 0; i < n; i++) v = arrays ? [v] : { a: v };
  return v;
};

const junkValue: fc.Arbitrary<Tree> = fc.oneof(
  { weight: 5, arbitrary: junkString },
  { weight: 3, arbitrary: junkNumber },
  { weight: 2, arbitrary: fc.constantFrom(true, false, null) },
  { weight: 2, arbitrary: fc.array(fc.oneof(junkString, junkNumber, fc.constant(null)), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.integer({ min: 90, max: 140 }).map((n) => Array.from({ length: n }, (_, i) => i)) },
  {
    weight: 2,
    arbitrary: fc.dictionary(fc.oneof(junkString, fc.string({ maxLength: 10 })), fc.oneof(junkString, junkNumber), {
      maxKeys: 4,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 5, max: 60 }), fc.boolean()).map(([n, arrays]) => nested(n, 'deep', arrays)),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 51, max: 80 })
      .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']))),
  },
);

// ---------------------------------------------------------------------------------------------------------------
// Valid-looking values by parameter name

function idsWithPrefix(ctx: FuzzContext, ...prefixes: string[]): string[] {
  return prefixes.flatMap((p) => ctx.ids[p] ?? []);
}

function allIds(ctx: FuzzContext): string[] {
  return Object.values(ctx.ids).flat();
}

/** A plausible value for a string parameter, chosen by its name. */
function plausibleString(ctx: FuzzContext, name: string): fc.Arbitrary<string> {
  const someId = fc.constantFrom(...allIds(ctx), ...ctx.foreignIds);
  const pick = (values: string[]) =>
    fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: someId });
  const idsFor: Record<string, string[]> = {
    customer: ['cus'],
    customer_id: ['cus'],
    product: ['prod'],
    price: ['price'],
    shipping_rate: ['shr'],
    payment_method: ['pm'],
    payment_intent: ['pi'],
    charge: ['ch'],
    checkout_session: ['cs'],
    starting_after: ['cus', 'pi', 'evt', 'price', 'prod', 'cs', 'ord'],
    ending_before: ['cus', 'pi', 'evt', 'price', 'prod', 'cs', 'ord'],
    event: ['evt'],
  };
  const prefixes = idsFor[name];
  if (prefixes) {
    const extra =
      name === 'payment_method'
        ? ['pm_card_visa', 'pm_card_declined', 'pm_card_3ds_required', 'pm_card_insufficient_funds']
        : [];
    const own = idsWithPrefix(ctx, ...prefixes);
    return pick([...own, ...extra, `${prefixes[0]!}_doesnotexist000000`, ...ctx.foreignIds.slice(0, 2)]);
  }
  if (/currency/.test(name)) return pick(['usd', 'eur', 'jpy', 'USD', 'gbp', 'xxx', 'us']);
  if (/url$/.test(name))
    return pick([
      'https://shop.example/ok',
      'http://127.0.0.1:9/hook',
      'javascript:alert(1)',
      'ftp://x.example',
      'https://',
      'not a url',
    ]);
  if (/email/.test(name)) return pick(['buyer@example.com', 'not-an-email', 'a@b', '']);
  if (name === 'client_secret') return pick([...ctx.clientSecrets, 'cs_x_secret_y']);
  if (name === 'number')
    return pick([
      '4242424242424242',
      '4000000000000002',
      '4000000000009995',
      '4242 4242 4242 4242',
      '1234567890123456',
      '42',
    ]);
  if (name === 'cvc') return pick(['123', '12', 'abcd']);
  if (name === 'mode') return pick(['payment', 'order', 'subscription', 'setup']);
  if (name === 'ui_mode') return pick(['hosted', 'embedded', 'custom', 'popup']);
  if (name === 'capture_method') return pick(['automatic', 'manual', 'automatic_async', 'later']);
  if (name === 'type')
    return pick(['card', 'secret', 'publishable', 'fixed_amount', 'customer.created', 'one_time', 'recurring']);
  if (name === 'status') return pick(['open', 'complete', 'expired', 'enabled', 'disabled', 'canceled']);
  if (name === 'expand')
    return pick([
      'customer',
      'product',
      'default_price',
      'payment_intent',
      'line_items',
      'data.customer',
      'data.product',
      'a.b.c.d.e',
      'secret',
    ]);
  if (name === 'country') return pick(['US', 'fr', 'USA', '']);
  if (name === 'interval') return pick(['day', 'month', 'year', 'fortnight']);
  if (name === 'unit') return pick(['day', 'business_day', 'hour', 'week', 'month', 'year']);
  if (name === 'tax_behavior') return pick(['inclusive', 'exclusive', 'unspecified', 'sometimes']);
  if (name === 'reason' || name === 'cancellation_reason')
    return pick(['requested_by_customer', 'duplicate', 'fraudulent', 'abandoned', '']);
  if (name === 'usage' || name === 'setup_future_usage') return pick(['on_session', 'off_session', '']);
  if (name === 'locale') return pick(['auto', 'en', 'fr', 'xx']);
  if (name === 'api_version') return pick(['2026-03-09', '2020-01-01']);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('Classic tee', 'A description', 'x', '12', 'true') },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  );
}

const cleanNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 5_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 2, 12, 2031, 3600) },
);

const plausibleNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 100_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 2, 12, 2030, 3600, 86_400, 99_999_999, 100_000_000_000) },
  { weight: 1, arbitrary: junkNumber },
);

// ---------------------------------------------------------------------------------------------------------------
// Trees from zod schemas

type Def = { type: string } & Record<string, unknown>;
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } } | undefined)?._zod?.def;
const isOptional = (s: unknown): boolean => {
  const def = defOf(s);
  return def?.type === 'optional' || def?.type === 'default' || (def?.type === 'pipe' && isOptional(def.out));
};

/**
 * An arbitrary of parameter trees shaped by a zod schema: objects get a random subset of their keys (plus, rarely,
 * an unknown one), unions pick a branch, and any node may be replaced by junk (probability `junk` in 1/20ths; with 0,
 * required keys are always present and values are only plausible ones).
 */
function treeArb(ctx: FuzzContext, schema: unknown, name: string, depth: number, junk: number): fc.Arbitrary<Tree> {
  const shaped = shapedArb(ctx, schema, name, depth, junk);
  if (junk <= 0) return shaped;
  return fc.oneof({ weight: 20 - junk, arbitrary: shaped }, { weight: junk, arbitrary: junkValue });
}

function shapedArb(ctx: FuzzContext, schema: unknown, name: string, depth: number, junk: number): fc.Arbitrary<Tree> {
  const def = defOf(schema);
  if (!def || depth > 8) return junkValue;
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      const keys = Object.keys(shape);
      const required = keys.filter((k) => !isOptional(shape[k]));
      const optional = keys.filter((k) => isOptional(shape[k]));
      const field = (k: string) => treeArb(ctx, shape[k], k, depth + 1, junk);
      // Required keys are nearly always there and a few optional ones join them: trees that pass validation often
      // enough to reach the handlers, and fail it in every way the rest of the time.
      const known = fc
        .tuple(
          fc.record(Object.fromEntries(required.map((k) => [k, field(k)])), {
            requiredKeys: junk === 0 ? required : [],
          }),
          fc
            .subarray(optional, { maxLength: Math.min(optional.length, junk === 0 ? 2 : 4) })
            .chain((picked) => fc.record(Object.fromEntries(picked.map((k) => [k, field(k)])))),
        )
        .map(([a, b]) => ({ ...a, ...b }) as Tree);
      return fc.oneof(
        { weight: 12, arbitrary: known },
        {
          weight: 1,
          arbitrary: fc
            .tuple(known, fc.oneof(junkString, fc.constantFrom('__proto__', 'constructor', 'unknown_param')), junkValue)
            .map(([obj, k, v]) => {
              const out = { ...(obj as object) } as Record<string, Tree>;
              Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
              return out;
            }),
        },
      );
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return shapedArb(ctx, def.innerType, name, depth, junk);
    case 'pipe': {
      const input = defOf(def.in);
      return shapedArb(ctx, input?.type === 'transform' ? def.out : def.in, name, depth, junk);
    }
    case 'union': {
      const options = def.options as unknown[];
      return fc.oneof(...options.map((o) => shapedArb(ctx, o, name, depth, junk)));
    }
    case 'array':
      return fc.oneof(
        { weight: 8, arbitrary: fc.array(treeArb(ctx, def.element, name, depth + 1, junk), { maxLength: 3 }) },
        {
          weight: 1,
          arbitrary: fc.array(shapedArb(ctx, def.element, name, depth + 1, 0), { minLength: 99, maxLength: 102 }),
        },
      );
    case 'record':
      return fc.dictionary(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom('order_id', 'note', 'k') },
          { weight: 1, arbitrary: junkString },
        ),
        treeArb(ctx, def.valueType, name, depth + 1, junk),
        { maxKeys: 3 },
      );
    case 'string': {
      // A string checked by a pattern (an integer spelling, a date…) gets values matching it too.
      const patterns = ((def.checks as unknown[] | undefined) ?? [])
        .map((c) => defOf(c)?.pattern)
        .filter((p): p is RegExp => p instanceof RegExp && !/A-Za-z0-9_/.test(p.source));
      const plausible = plausibleString(ctx, name);
      return patterns.length ? fc.oneof(plausible, fc.stringMatching(patterns[0]!)) : plausible;
    }
    case 'number':
    case 'int':
    case 'bigint':
      return junk === 0 ? cleanNumber : plausibleNumber;
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...(Object.values(def.entries as Record<string, string>) as string[]));
    case 'literal':
      return fc.constantFrom(...(def.values as Tree[]));
    case 'null':
      return fc.constant(null);
    case 'transform':
      return fc.oneof(junk === 0 ? cleanNumber : plausibleNumber, plausibleString(ctx, name));
    default:
      return fc.oneof(plausibleString(ctx, name), junkValue);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Encodings

/** Percent-encoding that never throws (a lone surrogate becomes U+FFFD, as any client would send it). */
export function pct(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));
  }
}

const enc = pct;

/** The bracket form of a tree: `a[b][0][c]=v&…` (arrays indexed, or `a[]=` for flat lists when `brackets`). */
export function toForm(tree: Tree, brackets = false): string {
  const pairs: string[] = [];
  const walk = (value: Tree, key: string) => {
    if (value === null || value === undefined) {
      pairs.push(`${enc(key)}=`);
    } else if (Array.isArray(value)) {
      if (value.length === 0) pairs.push(`${enc(key)}=`);
      value.forEach((v, i) => walk(v, brackets && (v === null || typeof v !== 'object') ? `${key}[]` : `${key}[${i}]`));
    } else if (typeof value === 'object') {
      const entries = Object.entries(value as Record<string, Tree>);
      if (entries.length === 0) pairs.push(`${enc(key)}=`);
      for (const [k, v] of entries) walk(v, key === '' ? k : `${key}[${k}]`);
    } else {
      pairs.push(`${enc(key)}=${enc(String(value as string | number | boolean))}`);
    }
  };
  if (tree !== null && typeof tree === 'object' && !Array.isArray(tree)) {
    for (const [k, v] of Object.entries(tree as Record<string, Tree>)) walk(v, k);
  } else {
    walk(tree, 'value');
  }
  return pairs.join('&');
}

/** JSON.stringify that keeps a lone surrogate or an own `__proto__` key as it is (that is the point). */
const toJson = (tree: Tree) => JSON.stringify(tree);

const RAW_FORMS = fc.constantFrom(
  'a[b=1',
  '[x]=1',
  'metadata[k=v',
  '%zz=1',
  'name=%E0%A4%A',
  'metadata[a][b][c][d][e][f][g]=1',
  'line_items[0][price_data][product_data][metadata][k][x]=1',
  '__proto__[x]=1',
  'metadata[__proto__][x]=1',
  'constructor[prototype][x]=1',
  `expand[]=${'x'.repeat(300)}`,
  Array.from({ length: 120 }, (_, i) => `line_items[${i}][price]=price_x`).join('&'),
  Array.from({ length: 5_100 }, (_, i) => `k${i}=1`).join('&'),
  'line_items[999999999][price]=x',
  'line_items[-1][price]=x',
  'amount=1&amount=2',
  'metadata=&metadata[a]=b',
  '&&&=&=',
  '=',
  'a==b',
);

const RAW_JSON = fc.constantFrom(
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  'null',
  'true',
  '42',
  '"text"',
  '[]',
  '[{"a":1}]',
  '{"a":NaN}',
  '{"a":1e999}',
  '{"__proto__":{"polluted":true}}',
  '{"metadata":{"__proto__":{"x":"y"}}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '\ufeff{}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  ' \n\t ',
  '{"a":1}{"b":2}',
  `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  `{"a":${'{"a":'.repeat(200)}1${'}'.repeat(200)}}`,
  `{"name":"${'x'.repeat(1024 * 1024 + 10)}"}`,
  `{"metadata":{${Array.from({ length: 60 }, (_, i) => `"k${i}":"v"`).join(',')}}}`,
);

// ---------------------------------------------------------------------------------------------------------------
// Requests

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

function authArb(ctx: FuzzContext): fc.Arbitrary<string | undefined> {
  const { keys } = ctx;
  return fc.oneof(
    { weight: 30, arbitrary: fc.constant(basic(keys.secret)) },
    { weight: 6, arbitrary: fc.constant(`Bearer ${keys.secret}`) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        basic(keys.publishable),
        basic(keys.live),
        basic(keys.livePublishable),
        `Bearer ${keys.publishable}`,
      ),
    },
    { weight: 2, arbitrary: fc.constantFrom(basic(keys.otherMerchant), basic(keys.revoked)) },
    { weight: 2, arbitrary: fc.constant(undefined) },
    {
      weight: 4,
      arbitrary: fc.oneof(
        fc.constantFrom(
          '',
          'Basic',
          'Basic ',
          'Bearer',
          'Bearer  x',
          'Basic !!!',
          'Basic ====',
          'basic ' + Buffer.from(`${keys.secret}:`).toString('base64'),
          `Basic ${Buffer.from(`${keys.secret}:password`).toString('base64')}`,
          `Basic ${Buffer.from(keys.secret).toString('base64')}`,
          `Basic ${Buffer.from('sk_test_:').toString('base64')}`,
          `Bearer ${keys.secret}x`,
          `Bearer ${keys.secret.slice(0, -1)}`,
          `Bearer ${keys.secret.toUpperCase()}`,
          `Bearer sk_test_${'A'.repeat(3000)}`,
          `Bearer ${keys.secret} extra`,
          `Digest username="${keys.secret}"`,
          `Bearer rk_test_${'a'.repeat(32)}`,
          `Bearer sk_prod_${'a'.repeat(32)}`,
          `Bearer ${keys.secret.replace('test', 'live')}`,
          'Bearer \u00e9\u00e8',
        ),
        fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
        fc.string({ maxLength: 60 }).map((s) => basic(s)),
      ),
    },
  );
}

const idempotencyArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 14, arbitrary: fc.uuid().map((u) => `fuzz-${u}`) },
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'x'.repeat(256),
      'x'.repeat(255),
      'caf\u00e9',
      '\u00ff\u00fe',
      'a\tb',
      'fuzz-fixed-key',
      'fuzz-fixed-key-2',
    ),
  },
);

const apiVersionArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 24, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constant('2026-03-09') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('', '2020-08-27', 'latest', '2026-03-09 ', '9999-99-99', 'x'.repeat(500), '\u00e9'),
  },
);

const contentTypeArb = (json: boolean): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 14, arbitrary: fc.constant(json ? 'application/json' : 'application/x-www-form-urlencoded') },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        undefined,
        '',
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/json; charset=latin1',
        'application/json;charset=utf-8',
        'APPLICATION/JSON',
        'application/x-www-form-urlencoded; charset=utf-8',
        'application/json, text/html',
        'application/vnd.api+json',
        '*/*',
        'application/x-www-form-urlencoded\u00e9',
        json ? 'application/x-www-form-urlencoded' : 'application/json',
      ),
    },
  );

/** An id for a route's `:id`: a real one of the right type, another type's, another tenant's, random or junk. */
function idArb(ctx: FuzzContext, path: string): fc.Arbitrary<string> {
  const resource = path.replace(/^\/v1\//, '').replace(/\/:id.*$/, '');
  const prefix: Record<string, string> = {
    customers: 'cus',
    products: 'prod',
    prices: 'price',
    shipping_rates: 'shr',
    payment_methods: 'pm',
    payment_intents: 'pi',
    charges: 'ch',
    refunds: 'ref',
    setup_intents: 'seti',
    'checkout/sessions': 'cs',
    checkout_sessions: 'cs',
    orders: 'ord',
    checkout_links: 'cl',
    webhook_endpoints: 'we',
    api_keys: 'key',
    events: 'evt',
  };
  const p = prefix[resource] ?? 'x';
  const own = ctx.ids[p] ?? [];
  return fc.oneof(
    { weight: 10, arbitrary: own.length ? fc.constantFrom(...own) : fc.constant(`${p}_none`) },
    { weight: 2, arbitrary: fc.constantFrom(...allIds(ctx)) },
    { weight: 2, arbitrary: fc.constantFrom(...ctx.foreignIds) },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9]{1,30}$/).map((s) => `${p}_${s}`) },
    { weight: 3, arbitrary: junkString.map((s) => s.slice(0, 400)) },
  );
}

/** The query string for a request: from the endpoint's query schema, junk keys, or raw malformed text. */
function queryArb(ctx: FuzzContext, e: AnyEndpoint | undefined): fc.Arbitrary<string> {
  const schema = e?.query as z.ZodType | undefined;
  const fromSchema = schema
    ? fc.oneof(treeArb(ctx, schema, '', 0, 0), treeArb(ctx, schema, '', 0, 3)).map((t) => toForm(t, true))
    : fc.constant('');
  return fc.oneof(
    { weight: 6, arbitrary: fromSchema },
    { weight: 3, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: RAW_FORMS },
    {
      weight: 1,
      arbitrary: fc
        .dictionary(
          junkString.map((s) => s.slice(0, 50)),
          junkString.map((s) => s.slice(0, 200)),
          { maxKeys: 3 },
        )
        .map((t) => toForm(t)),
    },
  );
}

/** A body: a tree from the schema as JSON or a bracket form, or raw malformed text. */
function bodyArb(
  ctx: FuzzContext,
  e: AnyEndpoint | undefined,
): fc.Arbitrary<{ body: string | undefined; json: boolean }> {
  const schema = e?.body as z.ZodType | undefined;
  // Half the trees are clean (only plausible values), the others carry junk at one node in ten or one in four.
  const tree = schema
    ? fc.oneof(
        { weight: 2, arbitrary: treeArb(ctx, schema, '', 0, 0) },
        { weight: 1, arbitrary: treeArb(ctx, schema, '', 0, 1) },
        { weight: 1, arbitrary: treeArb(ctx, schema, '', 0, 5) },
      )
    : junkValue;
  return fc.oneof(
    { weight: 10, arbitrary: tree.map((t) => ({ body: toJson(t), json: true })) },
    { weight: 7, arbitrary: fc.tuple(tree, fc.boolean()).map(([t, b]) => ({ body: toForm(t, b), json: false })) },
    { weight: 1, arbitrary: fc.constant({ body: undefined, json: true }) },
    { weight: 1, arbitrary: RAW_JSON.map((body) => ({ body, json: true })) },
    { weight: 1, arbitrary: RAW_FORMS.map((body) => ({ body, json: false })) },
  );
}

const METHODS_ELSEWHERE = fc.constantFrom(
  'GET',
  'POST',
  'DELETE',
  'PUT',
  'PATCH',
  'OPTIONS',
  'HEAD',
  'TRACE',
  'PROPFIND',
);

interface Route {
  endpoint: AnyEndpoint;
  path: string;
}

export const ROUTES: Route[] = endpoints.flatMap((endpoint) => endpoint.paths.map((path) => ({ endpoint, path })));

function encodeSegment(id: string, raw: boolean): string {
  // node:http refuses characters outside \x21-\xff in a path: those are always escaped.
  if (raw && /^[\x21-\x7e]*$/.test(id)) return id;
  return pct(id);
}

function junkPathArb(ctx: FuzzContext): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      '/v1',
      '/v1/',
      '/v2/customers',
      '/v1/customers/',
      '/v1//customers',
      '/v1/customers/x/y/z',
      '/V1/CUSTOMERS',
      '/v1/customers%2Fx',
      '/v1/customers/%E0%A4%A',
      '/v1/customers/%zz',
      `/v1/customers/${'a'.repeat(400)}`,
      '/v1/checkout/sessions/x/client/confirm/extra',
      '/v1/../v1/customers',
      '/v1/customers?',
      '/v1/customers#frag',
      '/v1/test_helpers/clock/extra',
      '/%00',
      '/v1/%2e%2e/%2e%2e/etc/passwd',
      `/v1/${'x/'.repeat(300)}`,
    ),
    fc
      .tuple(fc.constantFrom(...ROUTES.map((r) => r.path)), junkString)
      .map(([p, s]) => `${p.replace(':id', 'x')}/${pct(s.slice(0, 100))}`),
    fc.constantFrom(...allIds(ctx)).map((id) => `/v1/${id}`),
  );
}

/** Raw requests: what node:http or fetch would refuse to send. */
function rawArb(ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const auth = basic(ctx.keys.secret);
  return fc
    .constantFrom(
      `GET /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nX-Junk: a\u0001b\r\nConnection: close\r\n\r\n`,
      `GET /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\u0000\r\nConnection: close\r\n\r\n`,
      `POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nIdempotency-Key: a\u0007b\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
      `GET /v1/customers/cus_\u00e9\u00ff HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nConnection: close\r\n\r\n`,
      `GET /v1/customers HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n`,
      `GET  /v1/customers  HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      `POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nIdempotency-Key: raw-1\r\nContent-Type: application/json\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`,
      `POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nIdempotency-Key: raw-2\r\nContent-Type: application/json\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}`,
      `GET /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nAuthorization: ${auth}\r\nConnection: close\r\n\r\n`,
      `POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nIdempotency-Key: one\r\nIdempotency-Key: two\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
      `GET /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nX-API-Version: 2026-03-09\r\nX-API-Version: 2020-01-01\r\nConnection: close\r\n\r\n`,
      `GET /v1/customers HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
      `GET /v1/customers?${'a=1&'.repeat(6_000)} HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nConnection: close\r\n\r\n`,
      `DELETE /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nConnection: close\r\n\r\n`,
      `GET /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{"a":1}`,
    )
    .map((raw) => ({
      kind: 'raw' as const,
      method: raw.slice(0, raw.indexOf(' ')),
      path: '',
      headers: {},
      raw,
      target: 'raw',
    }));
}

/** One request aimed at a registered route (method and shape mostly right, everything else fuzzed). */
function routeRequestArb(ctx: FuzzContext, route: Route): fc.Arbitrary<FuzzRequest> {
  const { endpoint, path } = route;
  const hasId = path.includes(':id');
  return fc
    .record({
      method: fc.oneof(
        { weight: 12, arbitrary: fc.constant(endpoint.method as string) },
        { weight: 1, arbitrary: METHODS_ELSEWHERE },
      ),
      id: hasId ? idArb(ctx, path) : fc.constant(''),
      rawId: fc.boolean(),
      query: fc.oneof(
        { weight: endpoint.method === 'POST' ? 6 : 1, arbitrary: fc.constant('') },
        { weight: 2, arbitrary: queryArb(ctx, endpoint) },
      ),
      body: bodyArb(ctx, endpoint),
      auth: authArb(ctx),
      idem: idempotencyArb,
      version: apiVersionArb,
      contentType: fc.boolean().chain((json) => contentTypeArb(json)),
      bodyOnGet: fc.nat(20),
    })
    .map((r) => {
      const headers: Record<string, string> = {};
      if (r.auth !== undefined) headers.authorization = r.auth;
      if (r.version !== undefined) headers['x-api-version'] = r.version;
      let body: string | undefined;
      const sendsBody =
        r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH' || (r.bodyOnGet === 0 && r.method !== 'HEAD');
      if (sendsBody) {
        body = r.body.body;
        if (r.method === 'POST' && r.idem !== undefined) headers['idempotency-key'] = r.idem;
        const ct = r.contentType ?? undefined;
        if (body !== undefined) {
          // The generated content type follows the encoding most of the time, and lies the rest of the time.
          headers['content-type'] =
            ct === 'application/json' || ct === 'application/x-www-form-urlencoded'
              ? r.body.json
                ? 'application/json'
                : 'application/x-www-form-urlencoded'
              : (ct ?? '');
          if (headers['content-type'] === '') delete headers['content-type'];
        }
      }
      const concrete = hasId ? path.replace(':id', encodeSegment(r.id, r.rawId)) : path;
      return {
        kind: 'http' as const,
        method: r.method,
        path: r.query ? `${concrete}?${r.query}` : concrete,
        headers,
        ...(body !== undefined ? { body } : {}),
        target: `${endpoint.method} ${path}`,
      };
    });
}

/** Any hostile request: mostly aimed at the registered routes, some at junk paths, a few as raw bytes. */
export function requestArb(ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const routed = fc.oneof(...ROUTES.map((route) => routeRequestArb(ctx, route)));
  const junk = fc
    .record({
      path: junkPathArb(ctx),
      method: METHODS_ELSEWHERE,
      auth: authArb(ctx),
      query: queryArb(ctx, undefined),
      body: bodyArb(ctx, undefined),
    })
    .map((r): FuzzRequest => {
      const headers: Record<string, string> = { 'idempotency-key': 'fuzz-junk-path' };
      if (r.auth !== undefined) headers.authorization = r.auth;
      const withBody = r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH';
      if (withBody && r.body.body !== undefined)
        headers['content-type'] = r.body.json ? 'application/json' : 'application/x-www-form-urlencoded';
      return {
        kind: 'http',
        method: r.method,
        path: r.query ? `${r.path}?${r.query}` : r.path,
        headers,
        ...(withBody && r.body.body !== undefined ? { body: r.body.body } : {}),
        target: 'junk path',
      };
    });
  return fc.oneof(
    { weight: 40, arbitrary: routed },
    { weight: 3, arbitrary: junk },
    { weight: 1, arbitrary: rawArb(ctx) },
  );
}
