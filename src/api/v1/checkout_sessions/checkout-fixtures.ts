import { client, startTestServer, type TestServer, type TestServerOptions } from '../../../../test/harness.js';
import type { Engine } from '../../../db/store.js';

/** Test fixtures for the checkout suites: a small catalog, sessions, and helpers to drive them. */

export type Api = ReturnType<typeof client>;
export type Obj = Record<string, unknown>;

export interface Catalog {
  product: string;
  /** usd 1000 and usd 2500, active. */
  price: string;
  price2: string;
  /** eur 900. */
  eurPrice: string;
  /** usd 500 and usd 1500 shipping. */
  standard: string;
  express: string;
}

export async function ok<T = Obj>(res: Promise<{ status: number; body: T; text: string }>): Promise<T> {
  const r = await res;
  if (r.status !== 200) throw new Error(`expected 200, got ${r.status} ${r.text.slice(0, 500)}`);
  return r.body;
}

export async function makeCatalog(api: Api): Promise<Catalog> {
  const product = await ok(api.post('/v1/products', { name: 'Tee' }));
  const price = await ok(api.post('/v1/prices', { product: product.id, currency: 'usd', unit_amount: 1000 }));
  const price2 = await ok(api.post('/v1/prices', { product: product.id, currency: 'usd', unit_amount: 2500 }));
  const eurPrice = await ok(api.post('/v1/prices', { product: product.id, currency: 'eur', unit_amount: 900 }));
  const standard = await ok(api.post('/v1/shipping_rates', { display_name: 'Standard', fixed_amount: { amount: 500, currency: 'usd' } }));
  const express = await ok(api.post('/v1/shipping_rates', { display_name: 'Express', fixed_amount: { amount: 1500, currency: 'usd' } }));
  return {
    product: product.id as string,
    price: price.id as string,
    price2: price2.id as string,
    eurPrice: eurPrice.id as string,
    standard: standard.id as string,
    express: express.id as string,
  };
}

export const SUCCESS_URL = 'https://shop.example/success?session_id={CHECKOUT_SESSION_ID}';

export function sessionBody(cat: Catalog, extra: Obj = {}): Obj {
  return { line_items: [{ price: cat.price, quantity: 2 }], success_url: SUCCESS_URL, ...extra };
}

/** An embedded session, ready for the client-side API. */
export async function embeddedSession(api: Api, cat: Catalog, extra: Obj = {}): Promise<Obj> {
  return ok(api.post('/v1/checkout/sessions', { ui_mode: 'embedded', line_items: [{ price: cat.price, quantity: 2 }], ...extra }));
}

export function clientApi(server: TestServer): Api {
  return client(server, server.merchant.keys.pk_test);
}

/** Confirms through the client-side API with the publishable key. */
export function confirm(pk: Api, session: Obj, body: Obj = {}) {
  return pk.post<Obj>(`/v1/checkout/sessions/${session.id as string}/client/confirm`, {
    client_secret: session.client_secret,
    email: 'buyer@example.com',
    ...body,
  });
}

export async function eventTypes(api: Api, query = 'limit=100'): Promise<string[]> {
  const res = await ok(api.get<{ data: { type: string }[] }>(`/v1/events?${query}`));
  return res.data.map((e) => e.type).reverse();
}

/** A fresh test server with the test merchant's secret and publishable clients and a catalog. */
export async function startCheckoutServer(engine: Engine, options: TestServerOptions = {}): Promise<{ server: TestServer; api: Api; pk: Api; cat: Catalog }> {
  const server = await startTestServer(engine, options);
  const api = client(server, server.merchant.keys.sk_test);
  return { server, api, pk: clientApi(server), cat: await makeCatalog(api) };
}
