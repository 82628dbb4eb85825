import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PARAM_DEPTH, parseBracketForm } from '../../src/http/body.js';
import { AppError } from '../../src/lib/errors.js';
import { ENGINES, startTestServer, type TestServer } from '../harness.js';

/** One character: any ASCII (controls included) or any well-formed unicode grapheme. */
const anyChar = fc.oneof(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));

/** A parameter tree as a form can spell it: non-empty objects and arrays, string leaves. */
type Tree = string | Tree[] | { [k: string]: Tree };

/**
 * Object keys a bracket form can carry: anything but brackets, not all digits (`a[0]` is an array index), never
 * `__proto__`. Unicode, spaces, `&`, `=`, `+` and `%` are all fair game once percent-encoded.
 */
const keyArb = fc
  .string({ unit: fc.oneof(fc.constantFrom('a', 'b', 'z', '_', '-', ' ', '&', '=', '+', '%', '.', 'é', '€', '😀', '"', "'"), anyChar), minLength: 1, maxLength: 12 })
  .filter((k) => !/[[\]]/.test(k) && !/^\d+$/.test(k) && k !== '__proto__');

const leafArb = fc.string({ unit: fc.oneof(fc.constantFrom('&', '=', '+', '%', '[', ']', ' ', '\n', 'é', '😀'), anyChar), maxLength: 20 });

const treeArb = (depth: number): fc.Arbitrary<Tree> =>
  depth === 0
    ? leafArb
    : fc.oneof(
        { weight: 3, arbitrary: leafArb },
        { weight: 1, arbitrary: fc.array(treeArb(depth - 1), { minLength: 1, maxLength: 4 }) },
        { weight: 2, arbitrary: fc.dictionary(keyArb, treeArb(depth - 1), { minKeys: 1, maxKeys: 4 }) },
      );

/** The root is always an object; depth counts bracket levels below the top-level name. */
const rootArb = fc.dictionary(keyArb, treeArb(MAX_PARAM_DEPTH), { minKeys: 1, maxKeys: 5 });

/** Encodes a tree in bracket syntax, choosing per pair between literal and percent-encoded brackets and `+` spaces. */
function encode(tree: Record<string, Tree>, style: { encodeBrackets: boolean; plusForSpace: boolean }): string {
  const pairs: string[] = [];
  const enc = (s: string) => {
    const e = encodeURIComponent(s);
    return style.plusForSpace ? e.replace(/%20/g, '+') : e;
  };
  const walk = (prefix: string, value: Tree) => {
    if (typeof value === 'string') {
      pairs.push(`${prefix}=${enc(value)}`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(`${prefix}${style.encodeBrackets ? `%5B${i}%5D` : `[${i}]`}`, v));
    } else {
      for (const [k, v] of Object.entries(value)) walk(`${prefix}${style.encodeBrackets ? `%5B${enc(k)}%5D` : `[${enc(k)}]`}`, v);
    }
  };
  for (const [k, v] of Object.entries(tree)) walk(enc(k), v);
  return pairs.join('&');
}

/** Plain-object copy, so null-prototype containers compare like JSON.parse results. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('bracket form parser: metadata keys', () => {
  it('reads a numeric segment after metadata as a map key, anywhere, and gives every other name back as sent', () => {
    expect(parseBracketForm('metadata[0]=a&metadata[12]=b')).toEqual({ metadata: { '0': 'a', '12': 'b' } });
    expect(parseBracketForm('line_items[0][price_data][product_data][metadata][7]=x&line_items[1][quantity]=2')).toEqual({
      line_items: [{ price_data: { product_data: { metadata: { '7': 'x' } } } }, { quantity: '2' }],
    });
    expect(parseBracketForm('metadata[1]=a&metadata[%1E2]=b&%1Ename=q')).toEqual({ metadata: { '1': 'a', '\u001e2': 'b' }, '\u001ename': 'q' });
    expect(parseBracketForm('%1Ename=q')).toEqual({ '\u001ename': 'q' });
  });
});

describe('bracket form parser (properties)', () => {
  it('parses any encodable tree back to the tree itself, as JSON.parse gives it', () => {
    fc.assert(
      fc.property(rootArb, fc.boolean(), fc.boolean(), (tree, encodeBrackets, plusForSpace) => {
        const text = encode(tree, { encodeBrackets, plusForSpace });
        expect(plain(parseBracketForm(text))).toEqual(JSON.parse(JSON.stringify(tree)));
      }),
      { numRuns: 400 },
    );
  });

  it('never throws anything but a 400 AppError on arbitrary input', () => {
    const noisy = fc.string({ unit: fc.oneof(fc.constantFrom('[', ']', '&', '=', '%', '+', 'a', '0', '__proto__', '%5B', '%5D', '%E0', '%'), anyChar), maxLength: 200 });
    fc.assert(
      fc.property(fc.oneof(noisy, fc.string({ unit: 'grapheme', maxLength: 100 }), fc.string({ unit: 'binary', maxLength: 100 })), (text) => {
        try {
          const parsed = parseBracketForm(text);
          expect(typeof parsed).toBe('object');
        } catch (err) {
          expect(err).toBeInstanceOf(AppError);
          expect((err as AppError).status).toBe(400);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe.each(ENGINES)('JSON and form bodies over HTTP (properties, %s)', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  const post = (payload: string, contentType: string, key?: string) =>
    server.app.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: {
        authorization: `Bearer ${server.merchant.keys.sk_test}`,
        'content-type': contentType,
        'idempotency-key': key ?? `prop-${Math.random().toString(36).slice(2)}`,
      },
      payload,
    });

  const metadataKey = fc.string({ unit: fc.oneof(fc.constantFrom('a', 'B', ' ', '&', '=', '+', '%', 'é', '😀', '.'), anyChar), minLength: 1, maxLength: 20 }).filter(
    (k) => !/[[\]\u0000-\u001f\u007f]/.test(k) && !/^\d+$/.test(k) && k !== '__proto__' && !k.toLowerCase().startsWith('fluveo_') && k.length <= 40,
  );

  it('gives the same customer for random metadata and names sent as JSON and as a form, and one idempotent request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(metadataKey, fc.string({ minLength: 1, maxLength: 40 }), { minKeys: 1, maxKeys: 8 }),
        fc.string({ unit: fc.oneof(fc.constantFrom('é', '&', '=', '+', ' '), anyChar), minLength: 1, maxLength: 30 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s)),
        async (metadata, name) => {
          const key = `same-${Math.random().toString(36).slice(2)}`;
          const json = await post(JSON.stringify({ name, metadata }), 'application/json', key);
          expect(json.statusCode, json.payload).toBe(200);
          const form = await post(encode({ name, metadata }, { encodeBrackets: false, plusForSpace: true }), 'application/x-www-form-urlencoded', key);
          expect(form.statusCode, form.payload).toBe(200);
          expect(form.headers['idempotent-replayed']).toBe('true');
          expect(form.payload).toBe(json.payload);
          const fresh = await post(encode({ name, metadata }, { encodeBrackets: true, plusForSpace: false }), 'application/x-www-form-urlencoded');
          const a = JSON.parse(json.payload) as Record<string, unknown>;
          const b = JSON.parse(fresh.payload) as Record<string, unknown>;
          expect({ ...b, id: a.id }).toEqual(a);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('answers random garbage bodies with 200 or a 400 envelope, never anything else', async () => {
    const garbage = fc.string({ unit: fc.oneof(fc.constantFrom('[', ']', '{', '}', '"', ':', ',', '&', '=', '%', 'name', 'metadata', '__proto__', 'null'), anyChar), maxLength: 120 });
    await fc.assert(
      fc.asyncProperty(garbage, fc.constantFrom('application/json', 'application/x-www-form-urlencoded'), async (body, ct) => {
        const res = await post(body, ct);
        expect([200, 400], `${ct} ${JSON.stringify(body)} → ${res.payload}`).toContain(res.statusCode);
        if (res.statusCode === 400) {
          const err = (JSON.parse(res.payload) as { error: Record<string, unknown> }).error;
          expect(err.type).toBe('invalid_request_error');
          expect(Object.keys(err).sort()).toEqual(['code', 'doc_url', 'message', 'param', 'type']);
        }
      }),
      { numRuns: 150 },
    );
  });
});
