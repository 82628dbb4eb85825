import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { client, ENGINES, expectError, request, startTestServer, type ApiResponse, type TestServer } from '../harness.js';
import { counts, type Counts } from './support.js';

/** decisions.md §3 and §9: JSON and bracket forms, named parameter errors, size limits, metadata rules. */
describe.each(ENGINES)('request bodies (%s)', (engine) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let before: Counts;
  beforeAll(async () => {
    server = await startTestServer(engine);
    api = client(server, server.merchant.keys.sk_test);
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    before = await counts(server);
  });
  const nothingWritten = async () => expect(await counts(server)).toEqual(before);
  const form = (text: string, path = '/v1/customers') => api.post(path, undefined, { form: text });
  const raw = (body: string, contentType: string | undefined, path = '/v1/customers') =>
    request(server, 'POST', path, { key: server.merchant.keys.sk_test, form: body, headers: contentType ? { 'content-type': contentType } : {} });
  const strip = (c: Record<string, unknown>) => ({ ...c, id: undefined, created: undefined });

  it('reads a numeric metadata key in a form as a key, as JSON does (metadata is a map, not an array)', async () => {
    const json = await api.post<{ metadata: unknown }>('/v1/customers', { metadata: { '0': 'a', '1': 'b', '12': 'c' } });
    expect(json.body.metadata).toEqual({ '0': 'a', '1': 'b', '12': 'c' });
    const formRes = await form('metadata[0]=a&metadata[1]=b&metadata[12]=c');
    expect(formRes.status).toBe(200);
    expect((formRes.body as { metadata: unknown }).metadata).toEqual({ '0': 'a', '1': 'b', '12': 'c' });
    // Nested metadata too; arrays of line items stay arrays.
    const session = await api.post<{ metadata: unknown }>('/v1/checkout/sessions', undefined, {
      form: 'success_url=https://example.com/s&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=500&line_items[0][price_data][product_data][name]=T&line_items[0][price_data][product_data][metadata][7]=x&line_items[0][quantity]=1&metadata[3]=y',
    });
    expect(session.status).toBe(200);
    expect(session.body.metadata).toEqual({ '3': 'y' });
    // A key that happens to begin with the parser's own mark (a control character) keeps it, and is refused as such.
    expectError(await form('metadata[1]=a&metadata[%1E2]=b'), 400, 'parameter_invalid');
  });

  it('refuses a parameter sent both as a list and with named keys (no invented key "0"), and writes nothing', async () => {
    for (const text of ['metadata[a]=1&metadata[]=x', 'metadata[]=x&metadata[a]=1', 'metadata[0]=a&metadata[]=x']) {
      expectError(await form(text), 400, 'parameter_invalid', 'metadata');
    }
    expectError(await form('address[line1]=a&address[]=b'), 400, 'parameter_invalid', 'address');
    // In a query string too.
    expectError(await api.get('/v1/customers?expand[]=data.x&expand[a]=b'), 400, 'parameter_invalid', 'expand');
    await nothingWritten();
  });

  it('gives the same object for a JSON body and its bracket-form spelling', async () => {
    const json = await api.post('/v1/customers', {
      email: 'same@example.com',
      name: 'Zoë & Co = "quoted" + plus',
      phone: '+1 555 0100',
      description: 'line one\nline two',
      address: { line1: '1 Main St', city: 'Springfield', country: 'us' },
      metadata: { order: '42', 'key with spaces': 'v&=+%', ünï: 'çødé' },
    });
    const enc = encodeURIComponent;
    const formRes = await form(
      [
        `email=${enc('same@example.com')}`,
        `name=${enc('Zoë & Co = "quoted"')}+%2B+plus`,
        `phone=${enc('+1 555 0100')}`,
        `description=${enc('line one\nline two')}`,
        'address[line1]=1+Main+St',
        `address%5Bcity%5D=Springfield`,
        'address[country]=us',
        'metadata[order]=42',
        `metadata[${enc('key with spaces')}]=${enc('v&=+%')}`,
        `metadata[${enc('ünï')}]=${enc('çødé')}`,
      ].join('&'),
    );
    expect(json.status).toBe(200);
    expect(formRes.status).toBe(200);
    expect(strip(formRes.body)).toEqual(strip(json.body));
    expect(json.body.address).toMatchObject({ country: 'US' });
  });

  it.each([
    ['JSON, top level', { nickname: 'x' }, undefined, 'nickname'],
    ['JSON, nested', { address: { line1: 'a', foo: 'b' } }, undefined, 'address[foo]'],
    ['form, top level', undefined, 'name=a&nickname=x', 'nickname'],
    ['form, nested', undefined, 'address[line1]=a&address[foo]=b', 'address[foo]'],
    ['form, a prototype name', undefined, 'toString=1', 'toString'],
    ['form, constructor', undefined, 'constructor[prototype][x]=1', 'constructor'],
    ['form, __proto__', undefined, '__proto__[admin]=1', '__proto__'],
    ['form, nested __proto__', undefined, 'metadata[__proto__]=1', 'metadata[__proto__]'],
    ['JSON, __proto__', '{"__proto__":{"admin":true}}', undefined, '__proto__'],
    ['JSON, nested __proto__', '{"metadata":{"__proto__":"x"}}', undefined, 'metadata[__proto__]'],
  ])('refuses an unknown parameter (%s) with parameter_unknown naming it, writing nothing', async (_l, json, formText, param) => {
    const res =
      formText !== undefined
        ? await form(formText)
        : typeof json === 'string'
          ? await raw(json, 'application/json')
          : await api.post('/v1/customers', json);
    const err = expectError(res, 400, 'parameter_unknown', param);
    expect(err.type).toBe('invalid_request_error');
    expect(String(err.message)).toContain(param);
    await nothingWritten();
  });

  it.each([
    [{ email: 'not-an-email' }, 'email'],
    [{ name: 12 }, 'name'],
    [{ name: ['a'] }, 'name'],
    [{ name: { first: 'a' } }, 'name'],
    [{ name: 'x'.repeat(257) }, 'name'],
    [{ name: 'bell\u0007' }, 'name'],
    [{ phone: 'x'.repeat(41) }, 'phone'],
    [{ description: 'x'.repeat(1001) }, 'description'],
    [{ address: { country: 'USA' } }, 'address[country]'],
    [{ address: { line1: 5 } }, 'address[line1]'],
    [{ address: 'somewhere' }, 'address'],
    [{ metadata: 'oops' }, 'metadata'],
    [{ metadata: ['a', 'b'] }, 'metadata'],
    [{ metadata: { n: 1 } }, 'metadata[n]'],
    [{ metadata: { b: true } }, 'metadata[b]'],
    [{ metadata: { nested: { a: 'b' } } }, 'metadata[nested]'],
    [{ metadata: { list: ['a'] } }, 'metadata[list]'],
  ])('refuses an invalid value %j with parameter_invalid naming the parameter', async (body, param) => {
    expectError(await api.post('/v1/customers', body), 400, 'parameter_invalid', param);
    await nothingWritten();
  });

  it('refuses invalid values sent as a form too', async () => {
    expectError(await form('address[country]=USA'), 400, 'parameter_invalid', 'address[country]');
    expectError(await form('metadata[a][b]=1'), 400, 'parameter_invalid', 'metadata[a]');
    expectError(await form('name=a&name=b'), 400, 'parameter_invalid', 'name');
    expectError(await form('name[]=a'), 400, 'parameter_invalid', 'name');
    await nothingWritten();
  });

  it.each([
    ['malformed JSON', '{"name": "x",', 'application/json', 'body_invalid'],
    ['a JSON array', '[{"name":"x"}]', 'application/json', 'body_invalid'],
    ['a JSON string', '"name"', 'application/json', 'body_invalid'],
    ['JSON null', 'null', 'application/json', 'body_invalid'],
    ['a JSON number', '42', 'application/json', 'body_invalid'],
    ['text/plain', 'name=x', 'text/plain', 'content_type_unsupported'],
    ['multipart', '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--', 'multipart/form-data; boundary=b', 'content_type_unsupported'],
    ['a form key in brackets only', '[name]=x', 'application/x-www-form-urlencoded', 'body_invalid'],
    ['an unclosed bracket', 'metadata[a=x', 'application/x-www-form-urlencoded', 'body_invalid'],
    ['text after a bracket', 'metadata[a]b=x', 'application/x-www-form-urlencoded', 'body_invalid'],
    ['an empty key', '=x', 'application/x-www-form-urlencoded', 'body_invalid'],
    ['a malformed percent-escape in a key', 'na%E0%A4%Ame=x', 'application/x-www-form-urlencoded', 'body_invalid'],
    ['a malformed percent-escape in a value', 'name=%E0%A4%A', 'application/x-www-form-urlencoded', 'body_invalid'],
  ])('answers 400 in the envelope for %s, writing nothing', async (_l, body, contentType, code) => {
    const res = await raw(body, contentType);
    const err = expectError(res, 400, code);
    expect(err.type).toBe('invalid_request_error');
    expect(String(err.message).length).toBeGreaterThan(10);
    await nothingWritten();
  });

  it('answers 400 body_too_large for bodies over 1 MiB (JSON and form), and accepts one just under', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const json = await api.post('/v1/customers', { description: big });
    const err = expectError(json, 400, 'body_too_large', null);
    expect(err.message).toMatch(/1048576 bytes/);
    expectError(await form(`description=${big}`), 400, 'body_too_large', null);
    // 1 MiB of metadata pairs, just under the limit: parsed (and refused for its content, not its size).
    const justUnder = `{"metadata":{"a":"${'y'.repeat(1024 * 1024 - 30)}"}}`;
    expectError(await raw(justUnder, 'application/json'), 400, 'parameter_invalid', 'metadata[a]');
    await nothingWritten();
  });

  it('answers 400 for a 10,000-element array, in JSON, in a form and in a query string', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `v${i}`);
    expectError(await api.post('/v1/customers', { metadata: many }), 400, 'parameter_invalid', 'metadata');
    expectError(await api.post('/v1/customers', { name: many }), 400, 'parameter_invalid', 'name');
    expectError(await api.post('/v1/customers', { expand: many }), 400, 'parameter_unknown', 'expand');
    const formRes = await form(many.map((v) => `metadata[]=${v}`).join('&'));
    expect(expectError(formRes, 400, 'body_invalid').message).toMatch(/5000 parameters/);
    // An array over 100 elements is named, as the same array in JSON is.
    const arrayRes = await form(many.slice(0, 101).map((v) => `name[]=${v}`).join('&'));
    expect(expectError(arrayRes, 400, 'parameter_invalid', 'name').message).toMatch(/100 elements/);
    const query = await api.get(`/v1/customers?${many.slice(0, 150).map((v) => `expand[]=${v}`).join('&')}`);
    expect(expectError(query, 400, 'parameter_invalid', 'expand').message).toMatch(/100 elements/);
    const items = many.slice(0, 101).map((_, i) => `line_items[${i}][price]=price_x&line_items[${i}][quantity]=1`).join('&');
    const sessionRes = await api.post('/v1/checkout/sessions', undefined, { form: `success_url=https://example.com/s&${items}` });
    expect(expectError(sessionRes, 400, 'parameter_invalid', 'line_items').message).toMatch(/100 elements/);
    // Ten thousand in a URL exceed the request-line limit: refused by the HTTP layer, still in the envelope.
    expectError(await api.get(`/v1/customers?${many.map((v) => `expand[]=${v}`).join('&')}`), 400, 'request_malformed');
    await nothingWritten();
  });

  it('answers 400 for deeply nested brackets in a form and deeply nested JSON', async () => {
    const deepForm = await form(`metadata${'[a]'.repeat(50)}=1`);
    expect(expectError(deepForm, 400, 'body_invalid').message).toMatch(/nested more than 6 levels/);
    const sevenLevels = await form(`address${'[a]'.repeat(7)}=1`);
    expectError(sevenLevels, 400, 'body_invalid');
    // Six levels parse: the schema then names the first unknown level.
    expectError(await form(`address${'[a]'.repeat(6)}=1`), 400, 'parameter_unknown', 'address[a]');
    const deepJson = `{"metadata":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    expect(expectError(await raw(deepJson, 'application/json'), 400, 'body_invalid').message).toMatch(/nested/);
    const deepObject = `{"metadata":${'{"a":'.repeat(5000)}"x"${'}'.repeat(5000)}}`;
    expectError(await raw(deepObject, 'application/json'), 400, 'body_invalid');
    await nothingWritten();
  });

  it('answers 400 naming the parameter for half of a surrogate pair in JSON text (no character; PostgreSQL refuses it)', async () => {
    expectError(await raw('{"name":"a\\ud800b"}', 'application/json'), 400, 'parameter_invalid', 'name');
    expectError(await raw('{"metadata":{"k":"\\udc00"}}', 'application/json'), 400, 'parameter_invalid', 'metadata[k]');
    expectError(await raw('{"metadata":{"\\ud83d":"v"}}', 'application/json'), 400, 'parameter_invalid', 'metadata');
    expectError(await raw('{"address":{"line1":["\\ud800"]}}', 'application/json'), 400, 'parameter_invalid', 'address[line1][0]');
    await nothingWritten();
    // A whole pair is a character like any other.
    expect((await raw('{"name":"\\ud83d\\ude00"}', 'application/json')).status).toBe(200);
  });

  it('answers 400 body_invalid to bytes that are not UTF-8, in JSON or a form, instead of storing replacement characters', async () => {
    for (const [contentType, payload] of [
      ['application/json', Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')])],
      ['application/x-www-form-urlencoded', Buffer.concat([Buffer.from('name=a'), Buffer.from([0xc3]), Buffer.from('b')])],
    ] as const) {
      const res = await server.app.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: { authorization: `Bearer ${server.merchant.keys.sk_test}`, 'idempotency-key': `not-utf8-${contentType}`, 'content-type': contentType },
        payload,
      });
      expect(res.statusCode, contentType).toBe(400);
      expect(JSON.parse(res.payload).error).toMatchObject({ type: 'invalid_request_error', code: 'body_invalid', param: null });
    }
    await nothingWritten();
    // Real UTF-8, multi-byte characters included, is taken as sent.
    expect((await api.post<{ name: string }>('/v1/customers', { name: 'Zoë 東京 😀' })).body.name).toBe('Zoë 東京 😀');
  });

  it('answers 400 content_type_unsupported to a body without a content type', async () => {
    const res = await server.app.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: { authorization: `Bearer ${server.merchant.keys.sk_test}`, 'idempotency-key': 'no-content-type' },
      payload: 'name=x',
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.payload).error).toMatchObject({ type: 'invalid_request_error', code: 'content_type_unsupported', param: null });
    await nothingWritten();
  });

  it('treats an empty body as no parameters, in either content type', async () => {
    for (const [body, ct] of [['', 'application/json'], ['', 'application/x-www-form-urlencoded'], ['  ', 'application/json']] as const) {
      const res = await raw(body, ct);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ object: 'customer', name: null, metadata: {} });
    }
    const noBody = await request(server, 'POST', '/v1/customers', { key: server.merchant.keys.sk_test });
    expect(noBody.status).toBe(200);
  });

  it('accepts content types with parameters and in any case', async () => {
    expect((await raw('{"name":"a"}', 'application/json; charset=utf-8')).status).toBe(200);
    expect((await raw('name=a', 'application/x-www-form-urlencoded; charset=UTF-8')).status).toBe(200);
    expect((await raw('{"name":"a"}', 'Application/JSON')).status).toBe(200);
  });

  describe('metadata limits (decisions.md §9)', () => {
    const keys = (n: number, prefix = 'k') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 'v']));

    it('accepts 50 keys, 40-character keys and 500-character values', async () => {
      const res = await api.post('/v1/customers', { metadata: { ...keys(48), ['k'.repeat(40)]: 'v', long: 'x'.repeat(500) } });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.metadata as object)).toHaveLength(50);
    });

    it('counts characters, not UTF-16 units: 500 emoji make a 500-character value, 40 a 40-character key', async () => {
      const res = await api.post('/v1/customers', { metadata: { emoji: '😀'.repeat(500), ['é😀'.repeat(20)]: 'v' } });
      expect(res.status).toBe(200);
      // Tabs and line breaks are text.
      expect((await api.post('/v1/customers', { metadata: { note: 'line one\r\n\tline two' } })).body.metadata).toEqual({ note: 'line one\r\n\tline two' });
      expectError(await api.post('/v1/customers', { metadata: { emoji: '😀'.repeat(501) } }), 400, 'parameter_invalid', 'metadata[emoji]');
      expectError(await api.post('/v1/customers', { metadata: { ['😀'.repeat(41)]: 'v' } }), 400, 'parameter_invalid', `metadata[${'😀'.repeat(41)}]`);
    });

    it.each([
      [{ metadata: keys(51) }, 'metadata'],
      [{ metadata: { ['k'.repeat(41)]: 'v' } }, `metadata[${'k'.repeat(41)}]`],
      [{ metadata: { long: 'x'.repeat(501) } }, 'metadata[long]'],
      [{ metadata: { fluveo_source: 'x' } }, 'metadata[fluveo_source]'],
      [{ metadata: { FLUVEO_Source: 'x' } }, 'metadata[FLUVEO_Source]'],
      [{ metadata: { 'bad\u0001key': 'x' } }, 'metadata[bad\u0001key]'],
      [{ metadata: { nul: 'a\u0000b' } }, 'metadata[nul]'],
      [{ metadata: { bell: '\u0007' } }, 'metadata[bell]'],
      [{ metadata: { '': 'x' } }, 'metadata[]'],
    ])('refuses %j with 400 parameter_invalid, writing nothing', async (body, param) => {
      expectError(await api.post('/v1/customers', body), 400, 'parameter_invalid', param);
      await nothingWritten();
    });

    it('merges on update: "" or null deletes a key, metadata="" clears all, the 50-key limit holds after merging', async () => {
      const created = await api.post('/v1/customers', { metadata: { a: '1', b: '2', c: '3', skip: '' } });
      expect(created.body.metadata).toEqual({ a: '1', b: '2', c: '3' });
      const id = created.body.id as string;
      const merged = await api.post(`/v1/customers/${id}`, { metadata: { a: '', b: null, d: '4' } });
      expect(merged.body.metadata).toEqual({ c: '3', d: '4' });
      const viaForm = await form('metadata[c]=&metadata[e]=5', `/v1/customers/${id}`);
      expect(viaForm.body.metadata).toEqual({ d: '4', e: '5' });

      const fill = await api.post(`/v1/customers/${id}`, { metadata: keys(48, 'f') });
      expect(Object.keys(fill.body.metadata as object)).toHaveLength(50);
      const snapshot = await counts(server);
      const over = await api.post(`/v1/customers/${id}`, { metadata: { one_more: 'x' } });
      expect(expectError(over, 400, 'parameter_invalid', 'metadata').message).toMatch(/at most 50/);
      expect(await counts(server)).toEqual(snapshot);
      // Replacing a key and deleting another in the same update stays within the limit.
      const swap = await api.post(`/v1/customers/${id}`, { metadata: { f0: '', one_more: 'x' } });
      expect(swap.status).toBe(200);

      const cleared = await form('metadata=', `/v1/customers/${id}`);
      expect(cleared.body.metadata).toEqual({});
      const clearedJson = await api.post(`/v1/customers/${id}`, { metadata: { z: '1' } });
      expect(clearedJson.body.metadata).toEqual({ z: '1' });
      expect((await api.post(`/v1/customers/${id}`, { metadata: null })).body.metadata).toEqual({});
    });
  });

  it('reads a JSON null on a create or an action as the parameter left out; a required one is refused as null', async () => {
    const pi = await api.post<{ id: string }>('/v1/payment_intents', {
      amount: 500,
      currency: 'usd',
      customer: null,
      payment_method: null,
      capture_method: null,
      description: null,
    });
    expect(pi.status).toBe(200);
    expect(pi.body).toMatchObject({ customer: null, capture_method: 'automatic', description: null });
    const product = await api.post('/v1/products', { name: 'Nulls', description: null, url: null, shippable: null });
    expect(product.status).toBe(200);
    expect(product.body).toMatchObject({ description: null, url: null, shippable: null });
    const canceled = await api.post(`/v1/payment_intents/${pi.body.id}/cancel`, { cancellation_reason: null });
    expect(canceled.body).toMatchObject({ status: 'canceled', cancellation_reason: null });
    before = await counts(server);
    const err = expectError(await api.post('/v1/payment_intents', { amount: null, currency: 'usd' }), 400, 'parameter_invalid', 'amount');
    expect(err.message).toBe('Invalid amount: cannot be null.');
    // Names of JavaScript objects' own properties are parameters like any other: unknown here.
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      expectError(await api.post('/v1/payment_intents', { amount: 100, currency: 'usd', [name]: null }), 400, 'parameter_unknown', name);
    }
    await nothingWritten();
  });

  it('on an update, a null unsets a field that can be unset and is refused where it cannot', async () => {
    const product = await api.post<{ id: string }>('/v1/products', { name: 'Unset me', description: 'd' });
    expect((await api.post(`/v1/products/${product.body.id}`, { description: null })).body).toMatchObject({ description: null });
    before = await counts(server);
    const err = expectError(await api.post(`/v1/products/${product.body.id}`, { name: null }), 400, 'parameter_invalid', 'name');
    expect(err.message).toBe('Invalid name: cannot be null.');
    await nothingWritten();
  });

  it('says what a parameter of the wrong JSON type must be', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ amount: true, currency: 'usd' }, 'amount', 'Invalid amount: must be an integer.'],
      [{ amount: 100, currency: 'usd', capture_method: 5 }, 'capture_method', 'Invalid capture_method: must be one of automatic, automatic_async, manual.'],
      [{ amount: 100, currency: 'usd', description: 5 }, 'description', 'Invalid description: must be a string.'],
      [{ amount: 100, currency: 'usd', confirm: 'yes' }, 'confirm', 'Invalid confirm: must be a boolean (true or false).'],
    ];
    for (const [body, param, message] of cases) {
      const err = expectError(await api.post('/v1/payment_intents', body), 400, 'parameter_invalid', param);
      expect(err.message, JSON.stringify(body)).toBe(message);
    }
    await nothingWritten();
  });

  it('never answers 5xx to hostile bodies', async () => {
    const hostile: [string, string][] = [
      ['\u0000\u0001\u0002', 'application/json'],
      ['{"name":"\\ud800"}', 'application/json'],
      ['{"a":1,"a":2}', 'application/json'],
      ['%%%%&&&===', 'application/x-www-form-urlencoded'],
      ['a[][][]=1', 'application/x-www-form-urlencoded'],
      ['a[0][0][0][0][0][0][0]=1', 'application/x-www-form-urlencoded'],
      ['metadata[x]=1&metadata=2', 'application/x-www-form-urlencoded'],
      ['metadata=1&metadata[x]=2', 'application/x-www-form-urlencoded'],
      ['\uFEFF{"name":"bom"}', 'application/json'],
    ];
    for (const [body, ct] of hostile) {
      const res: ApiResponse = await raw(body, ct);
      expect(res.status, body).toBeLessThan(500);
      if (res.status !== 200) expectError(res, 400, (res.body as { error: { code: string } }).error.code);
    }
  });
});
