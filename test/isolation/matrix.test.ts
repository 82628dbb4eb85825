import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../src/api/v1/index.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { WebhookWorker } from '../../src/jobs/webhook-delivery.js';
import {
  client,
  ENGINES,
  expectError,
  request,
  type ApiResponse,
  type TestServer,
  startTestServer,
} from '../harness.js';
import { contentHash, tableNames } from '../hostile/support.js';
import { startReceiver, type Receiver } from '../webhooks-kit.js';
import { buildWorld, idForPath, type Api, type World } from './world.js';

/**
 * The isolation matrix (decisions.md §1–2, issue 7 item 6), generated from the registered endpoints: merchant A's
 * test-mode objects — one of every type — are aimed at through every route with an `:id` and every list route by
 * merchant B's keys and by A's own live-mode keys. Each must answer exactly like an id that does not exist, never
 * show A's ids, never let B's objects point at A's, change nothing in the database, and never deliver A's events
 * to B's (or A-live's) webhook endpoints. Publishable keys reach only the client-side routes.
 */

type Body = Record<string, unknown>;

/** A valid body per route, so that what answers is the id lookup and not validation. */
function intruderBody(route: string, world: World, own: { customer: string }): Body | undefined {
  const bodies: Record<string, Body> = {
    'POST /v1/customers/:id': { name: 'hijacked', metadata: { x: 'y' } },
    'POST /v1/products/:id': { name: 'hijacked' },
    'POST /v1/prices/:id': { nickname: 'hijacked' },
    'POST /v1/shipping_rates/:id': { active: false },
    'POST /v1/webhook_endpoints/:id': { description: 'hijacked' },
    'POST /v1/webhook_endpoints/:id/rotate_secret': {},
    'POST /v1/webhook_endpoints/:id/send_test_event': { type: 'customer.created' },
    'POST /v1/api_keys/:id/revoke': {},
    'POST /v1/api_keys/:id/roll': {},
    'POST /v1/payment_intents/:id': { description: 'hijacked' },
    'POST /v1/payment_intents/:id/confirm': { payment_method: 'pm_card_visa' },
    'POST /v1/payment_intents/:id/capture': {},
    'POST /v1/payment_intents/:id/cancel': {},
    'POST /v1/payment_intents/:id/refund': {},
    'POST /v1/refunds/:id': { metadata: { x: 'y' } },
    'POST /v1/payment_methods/:id/attach': { customer: own.customer },
    'POST /v1/payment_methods/:id/detach': {},
    'POST /v1/setup_intents/:id': { metadata: { x: 'y' } },
    'POST /v1/setup_intents/:id/confirm': { payment_method: 'pm_card_visa' },
    'POST /v1/setup_intents/:id/cancel': {},
    'POST /v1/checkout/sessions/:id': { metadata: { x: 'y' } },
    'POST /v1/checkout/sessions/:id/expire': {},
    'POST /v1/checkout/sessions/:id/client': { client_secret: world.embeddedClientSecret, email: 'thief@example.com' },
    'POST /v1/checkout/sessions/:id/client/confirm': {
      client_secret: world.embeddedClientSecret,
      email: 'thief@example.com',
      payment_method: 'pm_card_visa',
    },
    'POST /v1/orders/:id': { metadata: { x: 'y' } },
    'POST /v1/orders/:id/cancel': {},
    'POST /v1/orders/:id/complete': {},
    'POST /v1/checkout_links/:id': { active: false },
  };
  return bodies[route.replace('/v1/checkout_sessions', '/v1/checkout/sessions')];
}

/** Query strings per GET route with an id (client-side routes need the client secret). */
function intruderQuery(route: string, world: World, method = 'GET'): string {
  if (method === 'GET' && route.endsWith('/client'))
    return `?client_secret=${encodeURIComponent(world.embeddedClientSecret)}`;
  return '';
}

const ID_ROUTES = endpoints.flatMap((e) =>
  e.paths.filter((p) => p.includes(':id')).map((path) => ({ e, path, key: `${e.method} ${path}` })),
);
const LIST_ROUTES = endpoints.flatMap((e) =>
  e.method === 'GET' && e.query
    ? e.paths
        .filter((p) => !p.includes(':id') && 'limit' in (e.query as { shape: object }).shape)
        .map((path) => ({ e, path }))
    : [],
);
/** Query parameters of list routes that filter by another object's id. */
const ID_FILTERS = ['customer', 'payment_intent', 'product', 'charge', 'ids', 'event'];

describe.each(ENGINES)('isolation matrix (%s)', (engine) => {
  let server: TestServer;
  let a: Api;
  let aLive: Api;
  let b: Api;
  let world: World;
  let bWorld: World;
  let liveCustomer: string;
  const receivers: Record<'a' | 'b' | 'aLive', Receiver> = {} as never;
  let tables: string[];
  /** Every A id the intruders must never see (events included). */
  let aIds: string[];

  beforeAll(async () => {
    server = await startTestServer(engine, { env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    a = client(server, server.merchant.keys.sk_test);
    aLive = client(server, server.merchant.keys.sk_live);
    b = client(server, server.other.keys.sk_test);
    receivers.a = await startReceiver();
    receivers.b = await startReceiver();
    receivers.aLive = await startReceiver();
    // The intruders listen for every event before A does anything.
    expect(
      (await aLive.post('/v1/webhook_endpoints', { url: receivers.aLive.url, enabled_events: ['*'] })).status,
    ).toBe(200);
    bWorld = await buildWorld(b, { webhookUrl: receivers.b.url, tag: 'b' });
    liveCustomer = (await aLive.post('/v1/customers', { email: 'live@example.com' })).body.id as string;
    world = await buildWorld(a, { webhookUrl: receivers.a.url, tag: 'a' });
    const allEvents = await a.get<{ data: { id: string }[]; has_more: boolean }>('/v1/events?limit=100');
    expect(allEvents.body.has_more).toBe(false);
    aIds = [...world.ids, ...allEvents.body.data.map((e) => e.id)];
    tables = await tableNames(server.store);
  }, 60_000);
  afterAll(async () => {
    for (const r of Object.values(receivers)) await r?.close();
    await server?.close();
  });

  const intruders = () => [
    {
      name: "merchant B's test key",
      api: b,
      publishable: server.other.keys.pk_test,
      own: { customer: bWorld.customer },
    },
    { name: "A's live key", api: aLive, publishable: server.merchant.keys.pk_live, own: { customer: liveCustomer } },
  ];

  /** Sends a route's request as `key`, with `id` in the path. */
  const call = (
    key: string,
    method: string,
    path: string,
    id: string,
    body: Body | undefined,
    query = '',
  ): Promise<ApiResponse> =>
    request(server, method, path.replace(':id', id) + query, {
      key,
      ...(method === 'POST' ? { body: body ?? {} } : {}),
    });

  /** The error with the id it names masked: its shape must not depend on whose id it was. */
  const masked = (res: ApiResponse, id: string) => {
    const err = expectError(res, 404, 'resource_missing', 'id');
    return { status: res.status, ...err, message: String(err.message).split(id).join('<id>') };
  };

  it('covers every route with an :id', () => {
    for (const { path } of ID_ROUTES) expect(idForPath(world, path), `no object for ${path}`).toBeDefined();
    for (const { e, key } of ID_ROUTES) {
      if (e.method === 'POST')
        expect(intruderBody(key, world, { customer: 'cus_x' }), `no intruder body for ${key}`).toBeDefined();
    }
    expect(ID_ROUTES.length).toBeGreaterThan(50);
    expect(LIST_ROUTES.length).toBeGreaterThan(15);
  });

  it('answers every :id route for A’s object to B and to A-live exactly like a missing id, and changes nothing', async () => {
    const hashBefore = await contentHash(server.store, tables);
    const mine = new Map<string, string>();
    for (const { path } of ID_ROUTES.filter((r) => r.e.method === 'GET')) {
      const id = idForPath(world, path)!;
      const owner = path.endsWith('/client') ? server.merchant.keys.pk_test : server.merchant.keys.sk_test;
      mine.set(path, (await call(owner, 'GET', path, id, undefined, intruderQuery(path, world))).text);
    }
    let checked = 0;
    for (const intruder of intruders()) {
      for (const { e, path, key } of ID_ROUTES) {
        const id = idForPath(world, path)!;
        const missing = `${id.slice(0, id.indexOf('_'))}_doesnotexist0000000000000`;
        const auth =
          e.auth === 'client'
            ? intruder.publishable
            : intruder.api === b
              ? server.other.keys.sk_test
              : server.merchant.keys.sk_live;
        const body = e.method === 'POST' ? intruderBody(key, world, intruder.own) : undefined;
        const query = intruderQuery(path, world, e.method);
        const theirs = await call(auth, e.method, path, id, body, query);
        const nowhere = await call(auth, e.method, path, missing, body, query);
        if (e.testModeOnly === true && auth.includes('_live_')) {
          // A test-mode-only route refuses a live key before it looks at the id: the same answer either way.
          expectError(theirs, 400, 'test_mode_only');
          expect(theirs.text, `${intruder.name}: ${key}`).toBe(nowhere.text);
        } else {
          expect(masked(theirs, id), `${intruder.name}: ${key}`).toEqual(masked(nowhere, missing));
        }
        checked++;
      }
    }
    expect(checked).toBe(ID_ROUTES.length * 2);
    // Not a row changed, and A still sees its objects exactly as before.
    expect(await contentHash(server.store, tables)).toBe(hashBefore);
    for (const { path } of ID_ROUTES.filter((r) => r.e.method === 'GET')) {
      const id = idForPath(world, path)!;
      const again = await call(
        path.endsWith('/client') ? server.merchant.keys.pk_test : server.merchant.keys.sk_test,
        'GET',
        path,
        id,
        undefined,
        intruderQuery(path, world),
      );
      expect(again.status, path).toBe(200);
      expect(again.text, path).toBe(mine.get(path));
    }
  });

  it('never lists, filters to, expands into or pages from A’s objects', async () => {
    let lists = 0;
    for (const intruder of intruders()) {
      for (const { e, path } of LIST_ROUTES) {
        const shape = (e.query as { shape: Record<string, unknown> }).shape;
        const queries = ['limit=100'];
        for (const f of ID_FILTERS.filter((k) => k in shape)) {
          const target = aIds.find((id) =>
            id.startsWith(
              `${{ customer: 'cus', payment_intent: 'pi', product: 'prod', charge: 'ch', ids: 'prod', event: 'evt' }[f]}_`,
            ),
          );
          if (target) queries.push(`${f}=${target}`);
        }
        if ('expand' in shape) {
          for (const field of [
            'data.customer',
            'data.product',
            'data.default_price',
            'data.payment_intent',
            'data.line_items',
          ])
            queries.push(`expand[]=${field}`);
        }
        for (const q of queries) {
          const res = await intruder.api.get(`${path}?${q}`);
          if (res.status === 200) {
            expect(res.body.object, `${path}?${q}`).toBe('list');
            for (const id of aIds)
              expect(res.text.includes(id), `${intruder.name}: ${path}?${q} shows ${id}`).toBe(false);
            lists++;
          } else {
            // Filtering by an id that is not the caller's may be refused; it must then name nothing of A's but the id.
            expect(res.status, `${path}?${q}`).toBeGreaterThanOrEqual(400);
            expect(res.status).toBeLessThan(500);
          }
        }
        // Cursors from A's objects are refused like unknown cursors.
        const cursor = idForPath(world, `${path}/:id`);
        if (cursor) {
          expectError(
            await intruder.api.get(`${path}?starting_after=${cursor}`),
            400,
            'parameter_invalid',
            'starting_after',
          );
          expectError(
            await intruder.api.get(`${path}?ending_before=${cursor}`),
            400,
            'parameter_invalid',
            'ending_before',
          );
        }
      }
    }
    expect(lists).toBeGreaterThan(LIST_ROUTES.length * 2);
    // A sees its own objects in the same lists, so the empty answers above are meaningful.
    const own = await a.get('/v1/customers?limit=100');
    expect(own.text).toContain(world.customer);
  });

  it('refuses every attempt to point an intruder’s object at A’s objects, writing nothing', async () => {
    const hashBefore = await contentHash(server.store, tables);
    for (const intruder of intruders()) {
      const api = intruder.api;
      const ownPrice =
        intruder.api === b
          ? bWorld.price
          : ((await aLive.post('/v1/prices', { currency: 'usd', unit_amount: 100, product_data: { name: 'live' } }))
              .body.id as string);
      const ownSession = intruder.api === b ? bWorld.session : undefined;
      const hashMid = await contentHash(server.store, tables);
      const attempts: [string, string, Body][] = [
        [
          'payment intent with A’s customer',
          '/v1/payment_intents',
          { amount: 500, currency: 'usd', customer: world.customer },
        ],
        [
          'payment intent with A’s payment method',
          '/v1/payment_intents',
          { amount: 500, currency: 'usd', payment_method: world.paymentMethod, confirm: true },
        ],
        ['price of A’s product', '/v1/prices', { product: world.product, currency: 'usd', unit_amount: 100 }],
        [
          'session with A’s price',
          '/v1/checkout/sessions',
          { line_items: [{ price: world.price, quantity: 1 }], success_url: 'https://x.example/ok' },
        ],
        [
          'session for A’s customer',
          '/v1/checkout_sessions',
          {
            line_items: [{ price: ownPrice, quantity: 1 }],
            success_url: 'https://x.example/ok',
            customer: world.customer,
          },
        ],
        [
          'session with A’s shipping rate',
          '/v1/checkout/sessions',
          {
            line_items: [{ price: ownPrice, quantity: 1 }],
            success_url: 'https://x.example/ok',
            shipping_options: [{ shipping_rate: world.shippingRate }],
          },
        ],
        [
          'session with a product_data price of A’s product',
          '/v1/checkout/sessions',
          {
            line_items: [{ price_data: { currency: 'usd', unit_amount: 100, product: world.product }, quantity: 1 }],
            success_url: 'https://x.example/ok',
          },
        ],
        ['order with A’s price', '/v1/orders', { currency: 'usd', line_items: [{ price: world.price, quantity: 1 }] }],
        [
          'order for A’s customer',
          '/v1/orders',
          { currency: 'usd', customer: world.customer, line_items: [{ title: 'x', unit_price: 100, quantity: 1 }] },
        ],
        [
          'order with A’s product',
          '/v1/orders',
          { currency: 'usd', line_items: [{ product: world.product, unit_price: 100, quantity: 1 }] },
        ],
        [
          'order with A’s shipping rate',
          '/v1/orders',
          {
            currency: 'usd',
            shipping_rate: world.shippingRate,
            line_items: [{ title: 'x', unit_price: 100, quantity: 1 }],
          },
        ],
        [
          'checkout link with A’s price',
          '/v1/checkout_links',
          { title: 'stolen', line_items: [{ price: world.price, quantity: 1 }] },
        ],
        ['refund of A’s payment', '/v1/refunds', { payment_intent: world.piPaid }],
        ['refund of A’s charge', '/v1/refunds', { charge: world.charge }],
        ['setup intent for A’s customer', '/v1/setup_intents', { customer: world.customer }],
        [
          'setup intent with A’s payment method',
          '/v1/setup_intents',
          { customer: intruder.own.customer, payment_method: world.paymentMethod, confirm: true },
        ],
        [
          'payment method for A’s customer',
          '/v1/payment_methods',
          { payment_method: 'pm_card_visa', customer: world.customer },
        ],
        [
          'A’s payment method copied',
          '/v1/payment_methods',
          { payment_method: world.paymentMethod, customer: intruder.own.customer },
        ],
      ];
      if (intruder.api === b) {
        attempts.push(
          [
            'B’s payment method attached to A’s customer',
            `/v1/payment_methods/${bWorld.paymentMethod}/attach`,
            { customer: world.customer },
          ],
          ['B’s intent moved to A’s customer', `/v1/payment_intents/${bWorld.piOpen}`, { customer: world.customer }],
          [
            'B’s intent confirmed with A’s payment method',
            `/v1/payment_intents/${bWorld.piOpen}/confirm`,
            { payment_method: world.paymentMethod },
          ],
          [
            'B’s session given A’s shipping rate',
            `/v1/checkout/sessions/${ownSession!}`,
            { shipping_options: [{ shipping_rate: world.shippingRate }] },
          ],
          [
            'B’s setup intent confirmed with A’s payment method',
            `/v1/setup_intents/${bWorld.setupIntent}/confirm`,
            { payment_method: world.paymentMethod },
          ],
        );
      }
      for (const [what, path, body] of attempts) {
        const res = await api.post(path, body);
        // The reference answers exactly as an unknown one would: 404, naming the parameter that held it.
        const err = expectError(res, 404, 'resource_missing');
        expect(err.param, `${intruder.name}: ${what}`).toMatch(
          /^(customer|payment_method|product|payment_intent|charge|shipping_rate|line_items|shipping_options)/,
        );
        for (const id of aIds) expect(res.text.replace(JSON.stringify(body), ''), what).not.toContain(`"${id}"`);
      }
      expect(await contentHash(server.store, tables), intruder.name).toBe(hashMid);
    }
    // Only the live price made for the attempts above was written.
    expect(await contentHash(server.store, tables)).not.toBe(hashBefore);
  });

  it('publishable keys reach only the client-side routes: every other route answers 401 with the envelope', async () => {
    let refused = 0;
    for (const pk of [server.merchant.keys.pk_test, server.merchant.keys.pk_live]) {
      for (const e of endpoints) {
        for (const path of e.paths) {
          const id = path.includes(':id') ? idForPath(world, path)! : '';
          const res = await call(pk, e.method, path, id, e.method === 'POST' ? {} : undefined);
          if (e.auth === 'client') {
            expect(res.status, `${e.method} ${path}`).not.toBe(401);
            continue;
          }
          expectError(res, 401, 'secret_key_required', null);
          expect((res.body as { error: { type: string } }).error.type).toBe('authentication_error');
          refused++;
        }
      }
    }
    // The test publishable key does reach A's session through the client-side API.
    const view = await request(
      server,
      'GET',
      `/v1/checkout/sessions/${world.embeddedSession}/client?client_secret=${world.embeddedClientSecret}`,
      { key: server.merchant.keys.pk_test },
    );
    expect(view.status).toBe(200);
    expect(refused).toBeGreaterThan(100);
  });

  it('delivers A’s events only to A’s endpoint, never to B’s or to A’s live one', async () => {
    // More of A's activity after the intruders' endpoints exist: a payment and a refund.
    const pi = await a.post('/v1/payment_intents', {
      amount: 900,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      customer: world.customer,
    });
    expect(pi.status).toBe(200);
    expect((await a.post(`/v1/payment_intents/${pi.body.id as string}/refund`, {})).status).toBe(200);
    const scheduler = new Scheduler(server.clock, server.deps.logger);
    scheduler.register(new WebhookWorker(server.deps, { timeoutMs: 5_000 }));
    for (let i = 0; i < 5; i++) await scheduler.runJob('webhooks');
    await scheduler.stop();

    const aEvents = (await a.get<{ data: { id: string }[] }>('/v1/events?limit=100')).body.data.map((e) => e.id);
    const bEvents = (await b.get<{ data: { id: string }[] }>('/v1/events?limit=100')).body.data.map((e) => e.id);
    const liveEvents = (await aLive.get<{ data: { id: string }[] }>('/v1/events?limit=100')).body.data.map((e) => e.id);
    const got = (r: Receiver) =>
      r.received.map((x) => JSON.parse(x.body) as { id: string; livemode: boolean; data: { object: { id: string } } });

    // A's endpoint got A's test events; each other endpoint got only its own tenant's and mode's.
    expect(got(receivers.a).map((e) => e.id)).toEqual(expect.arrayContaining(aEvents.slice(0, 5)));
    for (const e of got(receivers.a)) expect(aEvents).toContain(e.id);
    expect(got(receivers.b).length).toBeGreaterThan(0);
    for (const e of got(receivers.b)) {
      expect(bEvents).toContain(e.id);
      expect(aIds).not.toContain(e.data.object.id);
    }
    expect(got(receivers.aLive).length).toBeGreaterThan(0);
    for (const e of got(receivers.aLive)) {
      expect(e.livemode).toBe(true);
      expect(liveEvents).toContain(e.id);
    }
    const everything = [...receivers.b.received, ...receivers.aLive.received].map((x) => x.body).join('\n');
    for (const id of [...aIds, ...aEvents, pi.body.id as string]) expect(everything.includes(id), id).toBe(false);
  });
});
