import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, expectError, type TestServer } from '../../../../test/harness.js';
import { eventTypes, ok, type Api, type Catalog, type Obj, startCheckoutServer } from '../checkout_sessions/checkout-fixtures.js';
import { payHosted, sessionIdOf, visit } from './link-fixtures.js';

const LINK_FIELDS = [
  'id', 'object', 'active', 'after_completion', 'allow_promotion_codes', 'billing_address_collection', 'created', 'currency',
  'custom_fields', 'custom_text', 'description', 'inactive_message', 'livemode', 'metadata', 'mode', 'payment_method_types',
  'restrictions', 'submit_type', 'title', 'url',
].sort();

describe.each(ENGINES)('checkout links happy path (%s)', (engine) => {
  let server: TestServer;
  let api: Api;
  let cat: Catalog;
  beforeAll(async () => {
    ({ server, api, cat } = await startCheckoutServer(engine));
  });
  afterAll(() => server.close());

  it('creates, retrieves, updates and lists links with events', async () => {
    const link = await ok(
      api.post('/v1/checkout_links', {
        title: 'Spring sale',
        line_items: [{ price: cat.price, quantity: 2 }],
        mode: 'payment',
        description: 'Two tees',
        currency: 'usd',
        after_completion: { type: 'hosted_confirmation', hosted_confirmation: { custom_message: 'Thanks!' } },
        billing_address_collection: 'required',
        metadata: { campaign: 'spring' },
        inactive_message: 'Sold out',
        payment_method_types: ['card'],
        allow_promotion_codes: true,
        restrictions: { completed_sessions: { limit: 5 } },
        submit_type: 'pay',
      }),
    );
    const id = link.id as string;
    expect(id).toMatch(/^cl_/);
    expect(Object.keys(link).sort()).toEqual(LINK_FIELDS);
    expect(link).toMatchObject({
      object: 'checkout_link',
      active: true,
      url: `${server.deps.config.publicUrl}/cl/${id}`,
      title: 'Spring sale',
      currency: 'usd',
      mode: 'payment',
      description: 'Two tees',
      after_completion: { type: 'hosted_confirmation', hosted_confirmation: { custom_message: 'Thanks!' } },
      billing_address_collection: 'required',
      metadata: { campaign: 'spring' },
      inactive_message: 'Sold out',
      payment_method_types: ['card'],
      allow_promotion_codes: true,
      restrictions: { completed_sessions: { limit: 5 } },
      submit_type: 'pay',
      custom_fields: [],
      custom_text: {},
      livemode: false,
    });
    expect(await ok(api.get(`/v1/checkout_links/${id}`))).toEqual(link);

    const updated = await ok(
      api.post(`/v1/checkout_links/${id}`, {
        active: false,
        metadata: { campaign: '', wave: '2' },
        after_completion: { type: 'redirect', redirect: { url: 'https://shop.example/thanks?cs={CHECKOUT_SESSION_ID}' } },
        billing_address_collection: 'auto',
        inactive_message: 'Back soon',
        restrictions: '',
        submit_type: 'book',
      }),
    );
    expect(updated).toMatchObject({
      active: false,
      metadata: { wave: '2' },
      after_completion: { type: 'redirect', redirect: { url: 'https://shop.example/thanks?cs={CHECKOUT_SESSION_ID}' } },
      billing_address_collection: 'auto',
      inactive_message: 'Back soon',
      restrictions: null,
      submit_type: 'book',
      title: 'Spring sale',
    });
    const second = await ok(api.post('/v1/checkout_links', { title: 'Mug', line_items: [{ price_data: { currency: 'usd', unit_amount: 800, product_data: { name: 'Mug' } }, quantity: 1 }] }));
    expect(second).toMatchObject({ currency: 'usd', mode: 'payment', after_completion: { type: 'hosted_confirmation' }, restrictions: null, submit_type: 'auto', payment_method_types: ['card'], allow_promotion_codes: false });
    // The default is exactly the guide's example: the type alone.
    expect(second.after_completion).toEqual({ type: 'hosted_confirmation' });
    const inactive = await ok(api.get<{ data: Obj[]; url: string }>('/v1/checkout_links?active=false'));
    expect(inactive.url).toBe('/v1/checkout_links');
    expect(inactive.data.map((l) => l.id)).toEqual([id]);
    const active = await ok(api.get<{ data: Obj[] }>('/v1/checkout_links?active=true'));
    expect(active.data.map((l) => l.id)).toEqual([second.id]);
    expect((await ok(api.get<{ data: Obj[] }>('/v1/checkout_links'))).data.map((l) => l.id)).toEqual([second.id, id]);
    // The second link's inline price made its product and price (archived) before the link.
    expect(await eventTypes(api, 'limit=5')).toEqual(['checkout_link.created', 'checkout_link.updated', 'product.created', 'price.created', 'checkout_link.created']);
    // An update that changes nothing records nothing.
    await ok(api.post(`/v1/checkout_links/${id}`, { submit_type: 'book' }));
    expect(await eventTypes(api, 'limit=1')).toEqual(['checkout_link.created']);
  });

  it('each visit mints a new hosted session from the link and redirects to it', async () => {
    const link = await ok(
      api.post('/v1/checkout_links', {
        title: 'Mug',
        mode: 'order',
        billing_address_collection: 'required',
        line_items: [{ price_data: { currency: 'usd', unit_amount: 800, product_data: { name: 'Mug' } }, quantity: 2 }, { price: cat.price, quantity: 1 }],
      }),
    );
    const a = await visit(server, link.id as string);
    const b = await visit(server, link.id as string);
    expect(a.status).toBe(303);
    expect(a.headers.get('cache-control')).toBe('no-store');
    const idA = sessionIdOf(a);
    const idB = sessionIdOf(b);
    expect(idA).not.toBe(idB);
    expect(a.headers.get('location')).toBe(`${server.deps.config.publicUrl}/c/${idA}`);
    const s = await ok(api.get(`/v1/checkout/sessions/${idA}`));
    expect(s).toMatchObject({
      checkout_link: link.id,
      ui_mode: 'hosted',
      mode: 'order',
      status: 'open',
      billing_address_collection: 'required',
      amount_total: 2600,
      success_url: `${server.deps.config.publicUrl}/c/{CHECKOUT_SESSION_ID}/complete`,
      cancel_url: link.url,
      url: `${server.deps.config.publicUrl}/c/${idA}`,
    });
    const items = await ok(api.get<{ data: Obj[] }>(`/v1/checkout/sessions/${idA}/line_items`));
    expect(items.data.map((l) => [l.description, l.quantity, l.amount_total])).toEqual([['Mug', 2, 1600], ['Tee', 1, 1000]]);
    // The link's own inline price is archived, yet its sessions may sell it; the merchant cannot.
    const inline = items.data[0]?.price as string;
    expectError(await api.post('/v1/checkout/sessions', { ui_mode: 'embedded', line_items: [{ price: inline, quantity: 1 }] }), 400, 'parameter_invalid', 'line_items[0][price]');

    const redirecting = await ok(
      api.post('/v1/checkout_links', {
        title: 'Redirect',
        line_items: [{ price: cat.price, quantity: 1 }],
        after_completion: { type: 'redirect', redirect: { url: 'https://shop.example/thanks?cs={CHECKOUT_SESSION_ID}' } },
      }),
    );
    const r = sessionIdOf(await visit(server, redirecting.id as string));
    expect((await ok(api.get(`/v1/checkout/sessions/${r}`))).success_url).toBe('https://shop.example/thanks?cs={CHECKOUT_SESSION_ID}');

    // A HEAD (a link checker, a chat preview) mints nothing.
    const count = async () => (await ok(api.get<{ data: Obj[] }>('/v1/checkout/sessions?limit=100'))).data.length;
    const before = await count();
    expect((await fetch(`${server.url}/cl/${link.id as string}`, { method: 'HEAD', redirect: 'manual' })).status).toBe(200);
    expect((await fetch(`${server.url}/cl/cl_doesnotexist`, { method: 'HEAD', redirect: 'manual' })).status).toBe(404);
    expect(await count()).toBe(before);
  });

  it('lists what the link sells: its line items with price, product and amounts, paged by their ids', async () => {
    const link = await ok(
      api.post('/v1/checkout_links', {
        title: 'Bundle',
        line_items: [{ price_data: { currency: 'usd', unit_amount: 800, product_data: { name: 'Mug' } }, quantity: 2 }, { price: cat.price, quantity: 3 }],
      }),
    );
    const list = await ok(api.get<{ object: string; data: Obj[]; has_more: boolean; url: string; next_cursor: string | null }>(`/v1/checkout_links/${link.id as string}/line_items`));
    expect(list).toMatchObject({ object: 'list', has_more: false, url: `/v1/checkout_links/${link.id as string}/line_items`, next_cursor: null });
    expect(list.data.map((l) => [l.description, l.quantity, l.amount_subtotal, l.amount_total, l.currency])).toEqual([
      ['Mug', 2, 1600, 1600, 'usd'],
      ['Tee', 3, 3000, 3000, 'usd'],
    ]);
    expect(list.data[1]).toMatchObject({ object: 'item', price: cat.price, product: cat.product });
    expect(list.data[0]?.price).toMatch(/^price_/);
    expect(list.data[0]?.product).toMatch(/^prod_/);
    // A visit's session sells the same prices and amounts.
    const session = sessionIdOf(await visit(server, link.id as string));
    const sold = await ok(api.get<{ data: Obj[] }>(`/v1/checkout/sessions/${session}/line_items`));
    expect(sold.data.map((l) => [l.price, l.amount_total])).toEqual(list.data.map((l) => [l.price, l.amount_total]));
    // Stable ids page the list; a foreign cursor is refused; another merchant sees nothing.
    const first = await ok(api.get<{ data: Obj[]; has_more: boolean; next_cursor: string }>(`/v1/checkout_links/${link.id as string}/line_items?limit=1`));
    expect(first).toMatchObject({ has_more: true, next_cursor: list.data[0]?.id });
    const rest = await ok(api.get<{ data: Obj[] }>(`/v1/checkout_links/${link.id as string}/line_items?starting_after=${first.next_cursor}`));
    expect(rest.data.map((l) => l.id)).toEqual([list.data[1]?.id]);
    expectError(await api.get(`/v1/checkout_links/${link.id as string}/line_items?starting_after=clli_nope`), 400, 'parameter_invalid', 'starting_after');
    expectError(await api.get('/v1/checkout_links/cl_nope/line_items'), 404, 'resource_missing', 'id');
  });

  it('an inactive link shows its inactive message and mints nothing', async () => {
    const link = await ok(api.post('/v1/checkout_links', { title: 'Gone', line_items: [{ price: cat.price, quantity: 1 }], inactive_message: 'Sold out <b>today</b>' }));
    await ok(api.post(`/v1/checkout_links/${link.id as string}`, { active: false }));
    const before = (await ok(api.get<{ data: Obj[] }>('/v1/checkout/sessions?limit=100'))).data.length;
    const res = await visit(server, link.id as string);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const text = await res.text();
    expect(text).toContain('Sold out &lt;b&gt;today&lt;/b&gt;');
    expect(text).not.toContain('<b>today</b>');
    expect((await ok(api.get<{ data: Obj[] }>('/v1/checkout/sessions?limit=100'))).data.length).toBe(before);
    await ok(api.post(`/v1/checkout_links/${link.id as string}`, { active: true }));
    expect((await visit(server, link.id as string)).status).toBe(303);
  });

  it('the completion limit deactivates the link when reached, and only a raised limit reactivates it', async () => {
    const link = await ok(api.post('/v1/checkout_links', { title: 'Two only', line_items: [{ price: cat.price, quantity: 1 }], restrictions: { completed_sessions: { limit: 2 } } }));
    const id = link.id as string;
    const sessions = [];
    for (let i = 0; i < 3; i++) sessions.push(sessionIdOf(await visit(server, id)));
    expect((await payHosted(server, sessions[0] as string, { payment_method: 'pm_card_declined' })).outcome).toBe('declined');
    expect((await payHosted(server, sessions[0] as string, { payment_method: 'pm_card_visa' })).outcome).toBe('complete');
    expect((await ok(api.get(`/v1/checkout_links/${id}`))).active).toBe(true);
    expect((await payHosted(server, sessions[1] as string, { payment_method: 'pm_card_visa' })).outcome).toBe('complete');
    expect((await ok(api.get(`/v1/checkout_links/${id}`))).active).toBe(false);
    expect(await eventTypes(api, 'limit=2')).toEqual(['checkout_link.updated', 'checkout.session.completed']);
    await expect(payHosted(server, sessions[2] as string, { payment_method: 'pm_card_visa' })).rejects.toMatchObject({ code: 'resource_limit_reached' });
    const third = await ok(api.get(`/v1/checkout/sessions/${sessions[2] as string}`));
    expect(third.status).toBe('open');
    expect((await ok(api.get(`/v1/payment_intents/${third.payment_intent as string}`))).status).toBe('requires_payment_method');
    expect((await visit(server, id)).status).toBe(200);

    expectError(await api.post(`/v1/checkout_links/${id}`, { active: true }), 400, 'parameter_invalid', 'active');
    const raised = await ok(api.post(`/v1/checkout_links/${id}`, { active: true, restrictions: { completed_sessions: { limit: 3 } } }));
    expect(raised).toMatchObject({ active: true, restrictions: { completed_sessions: { limit: 3 } } });
    expect((await payHosted(server, sessions[2] as string, { payment_method: 'pm_card_visa' })).outcome).toBe('complete');
    expect((await ok(api.get(`/v1/checkout_links/${id}`))).active).toBe(false);
    // Lowering a limit below the sales made deactivates the link at once.
    const other = await ok(api.post('/v1/checkout_links', { title: 'Lower', line_items: [{ price: cat.price, quantity: 1 }] }));
    const s = sessionIdOf(await visit(server, other.id as string));
    await payHosted(server, s, { payment_method: 'pm_card_visa' });
    const lowered = await ok(api.post(`/v1/checkout_links/${other.id as string}`, { restrictions: { completed_sessions: { limit: 1 } } }));
    expect(lowered.active).toBe(false);
  });

  it('concurrent buyers at the completion limit: exactly the limit completes', async () => {
    for (const limit of [1, 3]) {
      const link = await ok(api.post('/v1/checkout_links', { title: `Limit ${limit}`, line_items: [{ price: cat.price, quantity: 1 }], restrictions: { completed_sessions: { limit } } }));
      const sessions: string[] = [];
      for (let i = 0; i < 8; i++) sessions.push(sessionIdOf(await visit(server, link.id as string)));
      const results = await Promise.allSettled(sessions.map((s) => payHosted(server, s, { payment_method: 'pm_card_visa' })));
      const completed = results.filter((r) => r.status === 'fulfilled' && r.value.outcome === 'complete').length;
      const refused = results.filter((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'resource_limit_reached').length;
      expect(completed).toBe(limit);
      expect(refused).toBe(8 - limit);
      expect((await ok(api.get(`/v1/checkout_links/${link.id as string}`))).active).toBe(false);
      const done = (await ok(api.get<{ data: Obj[] }>('/v1/checkout/sessions?status=complete&limit=100'))).data.filter((s) => s.checkout_link === link.id);
      expect(done).toHaveLength(limit);
      const charges = await Promise.all(sessions.map(async (s) => (await ok(api.get(`/v1/checkout/sessions/${s}?expand[]=payment_intent`))).payment_intent as Obj));
      expect(charges.filter((pi) => pi.status === 'succeeded')).toHaveLength(limit);
    }
  });
});
