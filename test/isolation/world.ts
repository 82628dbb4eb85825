import { client, type ApiResponse } from '../harness.js';

/**
 * A merchant's "world": one object of every type the API serves, created through the API in one mode. The isolation
 * matrix and the fuzzer both start from it, so every route with an `:id` has a real object to aim at.
 */

export type Api = ReturnType<typeof client>;
type Obj = Record<string, unknown>;

/** The card numbers the world pays with (they must never be found at rest or in a log). */
export const WORLD_CARD_NUMBERS = ['4242424242424242', '5555555555554444'] as const;

export interface World {
  customer: string;
  product: string;
  price: string;
  shippingRate: string;
  paymentMethod: string;
  /** requires_payment_method */
  piOpen: string;
  /** requires_capture (manual capture, authorized) */
  piAuthorized: string;
  /** succeeded, partly refunded */
  piPaid: string;
  charge: string;
  refund: string;
  setupIntent: string;
  /** hosted, created on /v1/checkout/sessions */
  session: string;
  /** embedded, created on /v1/checkout_sessions (the alias path) */
  embeddedSession: string;
  embeddedClientSecret: string;
  order: string;
  checkoutLink: string;
  webhookEndpoint: string;
  webhookSecrets: string[];
  apiKey: string;
  apiKeySecrets: string[];
  event: string;
  /** Every id above (events included), for "never shown to anyone else" scans. */
  ids: string[];
}

async function ok<T = Obj>(res: Promise<ApiResponse<T>>, what: string): Promise<T> {
  const r = await res;
  if (r.status !== 200) throw new Error(`world: ${what} answered ${r.status} ${r.text.slice(0, 400)}`);
  return r.body;
}

/** Creates the world through the API with `key` (a secret key of one merchant and mode). */
export async function buildWorld(api: Api, options: { webhookUrl: string; tag?: string }): Promise<World> {
  const tag = options.tag ?? 'world';
  const customer = await ok(
    api.post('/v1/customers', { email: `${tag}@example.com`, name: `${tag} buyer`, metadata: { tag } }),
    'customer',
  );
  const product = await ok(api.post('/v1/products', { name: `${tag} tee`, shippable: true }), 'product');
  const price = await ok(api.post('/v1/prices', { product: product.id, currency: 'usd', unit_amount: 2000 }), 'price');
  const shippingRate = await ok(
    api.post('/v1/shipping_rates', { display_name: 'Post', fixed_amount: { amount: 500, currency: 'usd' } }),
    'shipping rate',
  );
  const paymentMethod = await ok(
    api.post('/v1/payment_methods', {
      type: 'card',
      card: { number: WORLD_CARD_NUMBERS[0], exp_month: 12, exp_year: 2034, cvc: '123' },
      customer: customer.id,
    }),
    'payment method',
  );
  const piOpen = await ok(
    api.post('/v1/payment_intents', { amount: 1500, currency: 'usd', customer: customer.id }),
    'open PI',
  );
  const piAuthorized = await ok(
    api.post('/v1/payment_intents', {
      amount: 2500,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    }),
    'authorized PI',
  );
  const piPaid = await ok(
    api.post('/v1/payment_intents', {
      amount: 4000,
      currency: 'usd',
      customer: customer.id,
      confirm: true,
      payment_method_data: {
        type: 'card',
        card: { number: WORLD_CARD_NUMBERS[1], exp_month: 1, exp_year: 2035, cvc: '321' },
      },
    }),
    'paid PI',
  );
  const refund = await ok(
    api.post('/v1/refunds', { payment_intent: piPaid.id, amount: 1000, reason: 'requested_by_customer' }),
    'refund',
  );
  const setupIntent = await ok(api.post('/v1/setup_intents', { customer: customer.id }), 'setup intent');
  const session = await ok(
    api.post('/v1/checkout/sessions', {
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://shop.example/ok',
      customer: customer.id,
      shipping_options: [{ shipping_rate: shippingRate.id }],
    }),
    'hosted session',
  );
  const embedded = await ok(
    api.post('/v1/checkout_sessions', { ui_mode: 'embedded', line_items: [{ price: price.id, quantity: 2 }] }),
    'embedded session',
  );
  const order = await ok(
    api.post('/v1/orders', { currency: 'usd', customer: customer.id, line_items: [{ price: price.id, quantity: 1 }] }),
    'order',
  );
  const link = await ok(
    api.post('/v1/checkout_links', { title: `${tag} link`, line_items: [{ price: price.id, quantity: 1 }] }),
    'checkout link',
  );
  const endpoint = await ok(
    api.post('/v1/webhook_endpoints', { url: options.webhookUrl, enabled_events: ['*'] }),
    'webhook endpoint',
  );
  const rotated = await ok(
    api.post(`/v1/webhook_endpoints/${endpoint.id as string}/rotate_secret`, { expires_in_hours: 1 }),
    'rotate',
  );
  const key = await ok(api.post('/v1/api_keys', { name: `${tag} key`, type: 'secret' }), 'api key');
  const events = await ok(api.get<{ data: { id: string }[] }>('/v1/events?limit=1'), 'events');
  const charges = await ok(
    api.get<{ data: { id: string }[] }>(`/v1/charges?payment_intent=${piPaid.id as string}`),
    'charges',
  );

  const world: Omit<World, 'ids'> = {
    customer: customer.id as string,
    product: product.id as string,
    price: price.id as string,
    shippingRate: shippingRate.id as string,
    paymentMethod: paymentMethod.id as string,
    piOpen: piOpen.id as string,
    piAuthorized: piAuthorized.id as string,
    piPaid: piPaid.id as string,
    charge: charges.data[0]!.id,
    refund: refund.id as string,
    setupIntent: setupIntent.id as string,
    session: session.id as string,
    embeddedSession: embedded.id as string,
    embeddedClientSecret: embedded.client_secret as string,
    order: order.id as string,
    checkoutLink: link.id as string,
    webhookEndpoint: endpoint.id as string,
    webhookSecrets: [endpoint.secret as string, rotated.secret as string],
    apiKey: key.id as string,
    apiKeySecrets: [key.secret as string],
    event: events.data[0]!.id,
  };
  const ids = Object.entries(world)
    .filter(([k, v]) => typeof v === 'string' && k !== 'embeddedClientSecret')
    .map(([, v]) => v as string);
  return { ...world, ids };
}

/** Which world object a route's `:id` names, from the path's resource segment. */
export function idForPath(world: World, path: string): string | undefined {
  const resource = path.replace(/^\/v1\//, '').replace(/\/:id.*$/, '');
  const byResource: Record<string, string> = {
    customers: world.customer,
    products: world.product,
    prices: world.price,
    shipping_rates: world.shippingRate,
    payment_methods: world.paymentMethod,
    payment_intents: world.piAuthorized,
    charges: world.charge,
    refunds: world.refund,
    setup_intents: world.setupIntent,
    'checkout/sessions': world.embeddedSession,
    checkout_sessions: world.embeddedSession,
    orders: world.order,
    checkout_links: world.checkoutLink,
    webhook_endpoints: world.webhookEndpoint,
    api_keys: world.apiKey,
    events: world.event,
  };
  return byResource[resource];
}
