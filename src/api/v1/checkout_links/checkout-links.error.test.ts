import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, expectError, type TestServer } from '../../../../test/harness.js';
import { ok, type Api, type Catalog, type Obj, startCheckoutServer } from '../checkout_sessions/checkout-fixtures.js';

describe.each(ENGINES)('checkout links bad input (%s)', (engine) => {
  let server: TestServer;
  let api: Api;
  let cat: Catalog;
  beforeAll(async () => {
    ({ server, api, cat } = await startCheckoutServer(engine));
  });
  afterAll(() => server.close());

  const count = async (table: string) => Number((await server.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n);

  it('refuses bad links precisely and writes nothing', async () => {
    const base = { title: 'Tee', line_items: [{ price: cat.price, quantity: 1 }] };
    const cases: [Obj, number, string, string][] = [
      [{ ...base, title: undefined }, 400, 'parameter_missing', 'title'],
      [{ ...base, title: '' }, 400, 'parameter_invalid', 'title'],
      [{ ...base, title: 'x'.repeat(31) }, 400, 'parameter_invalid', 'title'],
      [{ ...base, description: 'x'.repeat(501) }, 400, 'parameter_invalid', 'description'],
      [{ ...base, line_items: [] }, 400, 'parameter_invalid', 'line_items'],
      [{ ...base, line_items: Array.from({ length: 21 }, () => ({ price: cat.price, quantity: 1 })) }, 400, 'parameter_invalid', 'line_items'],
      [{ ...base, line_items: [{ price: cat.price, quantity: 1 }, { price: cat.eurPrice, quantity: 1 }] }, 400, 'parameter_invalid', 'line_items[1][price]'],
      [{ ...base, line_items: [{ price_data: { currency: 'usd', unit_amount: 5, product: cat.product, recurring: { interval: 'month' } }, quantity: 1 }] }, 400, 'parameter_unknown', 'line_items[0][price_data][recurring]'],
      [{ ...base, line_items: [{ price: 'price_nope', quantity: 1 }] }, 404, 'resource_missing', 'line_items[0][price]'],
      [{ ...base, currency: 'eur' }, 400, 'parameter_invalid', 'line_items[0][price]'],
      [{ ...base, mode: 'subscription' }, 400, 'parameter_invalid', 'mode'],
      [{ ...base, after_completion: { type: 'redirect' } }, 400, 'parameter_missing', 'after_completion[redirect][url]'],
      [{ ...base, after_completion: { type: 'redirect', redirect: { url: 'not a url' } } }, 400, 'parameter_invalid', 'after_completion[redirect][url]'],
      [{ ...base, after_completion: { type: 'hosted_confirmation', redirect: { url: 'https://x.example' } } }, 400, 'parameter_invalid', 'after_completion[redirect]'],
      [{ ...base, after_completion: { type: 'popup' } }, 400, 'parameter_invalid', 'after_completion[type]'],
      [{ ...base, after_completion: { hosted_confirmation: {} } }, 400, 'parameter_missing', 'after_completion[type]'],
      [{ ...base, payment_method_types: ['pix'] }, 400, 'parameter_invalid', 'payment_method_types[0]'],
      [{ ...base, restrictions: { completed_sessions: { limit: 0 } } }, 400, 'parameter_invalid', 'restrictions[completed_sessions][limit]'],
      [{ ...base, restrictions: { completed_sessions: {} } }, 400, 'parameter_missing', 'restrictions[completed_sessions][limit]'],
      [{ ...base, submit_type: 'subscribe' }, 400, 'parameter_invalid', 'submit_type'],
      [{ ...base, inactive_message: 'x'.repeat(501) }, 400, 'parameter_invalid', 'inactive_message'],
      [{ ...base, url: 'https://mine.example' }, 400, 'parameter_unknown', 'url'],
    ];
    const before = await Promise.all(['checkout_links', 'events', 'prices'].map(count));
    for (const [body, status, code, param] of cases) expectError(await api.post('/v1/checkout_links', body), status, code, param);
    expect(await Promise.all(['checkout_links', 'events', 'prices'].map(count))).toEqual(before);

    const link = await ok(api.post('/v1/checkout_links', base));
    for (const [body, param] of [
      [{ title: 'New' }, 'title'],
      [{ line_items: [] }, 'line_items'],
      [{ currency: 'eur' }, 'currency'],
    ] as const) {
      expectError(await api.post(`/v1/checkout_links/${link.id as string}`, body), 400, 'parameter_unknown', param);
    }
    expectError(await api.post(`/v1/checkout_links/${link.id as string}`, { active: 'yes' }), 400, 'parameter_invalid', 'active');
    expectError(await api.get('/v1/checkout_links?active=maybe'), 400, 'parameter_invalid', 'active');
    expectError(await api.get('/v1/checkout_links/cl_nope'), 404, 'resource_missing', 'id');
  });
});
