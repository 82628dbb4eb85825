import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startTestServer, type TestServer } from '../../../test/harness.js';
import { priceDataInput } from '../../api/v1/prices/schema.js';
import { parseParams } from '../../http/validation.js';
import { AppError } from '../../lib/errors.js';
import { merchantNow, type Merchant, type OpContext } from '../context.js';
import { loadProduct } from '../products/load-product.js';
import { createShippingRate } from '../shipping-rates/create-shipping-rate.js';
import { loadShippingRate } from '../shipping-rates/load-shipping-rate.js';
import { createPriceFromData } from './create-price-from-data.js';
import { loadPrice } from './load-price.js';

const PREFIX = 'line_items[0][price_data]';

describe.each(ENGINES)('inline prices and catalog readers for checkout (%s)', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.close());

  /** Runs fn as the given merchant, in one transaction, the way an endpoint does. */
  async function asMerchant<T>(merchantId: string, fn: (ctx: OpContext) => Promise<T>, livemode = false): Promise<T> {
    const merchant = (await server.store.db
      .selectFrom('merchants')
      .selectAll()
      .where('id', '=', merchantId)
      .executeTakeFirstOrThrow()) as Merchant;
    return server.store.withTransaction((db) =>
      fn({
        deps: server.deps,
        db,
        actor: {
          merchant,
          scope: { merchantId, livemode },
          apiVersion: merchant.default_api_version,
          now: merchantNow(server.clock, merchant, livemode),
        },
      }),
    );
  }
  const rejection = async (work: Promise<unknown>) => {
    const err = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  };
  const countRows = async (table: string) =>
    Number(
      (
        (await server.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst()) as { n: number | string }
      ).n,
    );

  it('creates an archived price owned by an archived inline product from product_data, with events', async () => {
    const data = parseParams(priceDataInput, {
      currency: 'usd',
      unit_amount: '2500',
      product_data: {
        name: 'Concert ticket',
        description: 'Row A',
        images: ['https://example.com/t.png'],
        metadata: { seat: 'A1' },
      },
    });
    const price = await asMerchant(server.merchant.id, (ctx) =>
      createPriceFromData(ctx, data, { paramPrefix: PREFIX }),
    );
    expect(price).toMatchObject({
      object: 'price',
      active: false,
      currency: 'usd',
      unit_amount: 2500,
      type: 'one_time',
      livemode: false,
    });
    const { product, loaded } = await asMerchant(server.merchant.id, async (ctx) => ({
      loaded: await loadPrice(ctx, price.id),
      product: await loadProduct(ctx, price.product),
    }));
    expect(loaded).toEqual(price);
    expect(product).toMatchObject({
      name: 'Concert ticket',
      active: false,
      description: 'Row A',
      images: ['https://example.com/t.png'],
      metadata: { seat: 'A1' },
    });
    const events = await server.store.db
      .selectFrom('events')
      .select(['type', 'object_id'])
      .where('object_id', 'in', [price.id, product.id])
      .execute();
    expect((events as { type: string }[]).map((e) => e.type).sort()).toEqual(['price.created', 'product.created']);
  });

  it('prices an existing product of the caller, recurring and tax behaviour included', async () => {
    const product = await asMerchant(server.merchant.id, async (ctx) => {
      const made = await createPriceFromData(ctx, {
        currency: 'eur',
        unit_amount: 100,
        product_data: { name: 'Base' },
      });
      return made.product;
    });
    const data = parseParams(priceDataInput, {
      currency: 'eur',
      unit_amount: 900,
      product,
      recurring: { interval: 'month', interval_count: '3' },
      tax_behavior: 'inclusive',
    });
    const price = await asMerchant(server.merchant.id, (ctx) =>
      createPriceFromData(ctx, data, { paramPrefix: PREFIX }),
    );
    expect(price).toMatchObject({
      product,
      active: false,
      type: 'recurring',
      recurring: { interval: 'month', interval_count: 3 },
      tax_behavior: 'inclusive',
    });
  });

  it('names the nested parameter in every refusal and writes nothing', async () => {
    const before = {
      prices: await countRows('prices'),
      products: await countRows('products'),
      events: await countRows('events'),
    };
    const mine = await asMerchant(
      server.merchant.id,
      async (ctx) =>
        (await createPriceFromData(ctx, { currency: 'usd', unit_amount: 1, product_data: { name: 'Mine' } })).product,
    );
    const afterSetup = {
      prices: await countRows('prices'),
      products: await countRows('products'),
      events: await countRows('events'),
    };
    expect(afterSetup.prices).toBe(before.prices + 1);

    const asOther = (data: Parameters<typeof createPriceFromData>[1]) =>
      asMerchant(server.other.id, (ctx) => createPriceFromData(ctx, data, { paramPrefix: PREFIX }));
    const foreign = await rejection(asOther({ currency: 'usd', unit_amount: 1, product: mine }));
    expect([foreign.code, foreign.param, foreign.status]).toEqual(['resource_missing', `${PREFIX}[product]`, 404]);
    const otherMode = await rejection(
      asMerchant(
        server.merchant.id,
        (ctx) => createPriceFromData(ctx, { currency: 'usd', unit_amount: 1, product: mine }, { paramPrefix: PREFIX }),
        true,
      ),
    );
    expect([otherMode.code, otherMode.param]).toEqual(['resource_missing', `${PREFIX}[product]`]);
    const neither = await rejection(asOther({ currency: 'usd', unit_amount: 1 }));
    expect([neither.code, neither.param]).toEqual(['parameter_missing', `${PREFIX}[product]`]);
    const both = await rejection(
      asOther({ currency: 'usd', unit_amount: 1, product: mine, product_data: { name: 'x' } }),
    );
    expect([both.code, both.param]).toEqual(['parameter_invalid', `${PREFIX}[product_data]`]);
    const noAmount = await rejection(asOther({ currency: 'usd', product_data: { name: 'x' } }));
    expect([noAmount.code, noAmount.param]).toEqual(['parameter_missing', `${PREFIX}[unit_amount]`]);
    const tooLong = await rejection(
      asOther({
        currency: 'usd',
        unit_amount: 1,
        product_data: { name: 'x' },
        recurring: { interval: 'year', interval_count: 4 },
      }),
    );
    expect([tooLong.code, tooLong.param]).toEqual(['parameter_invalid', `${PREFIX}[recurring][interval_count]`]);

    // Field-level checks come from the schema, with the full bracket path when embedded.
    const upper = (() => {
      try {
        parseParams(priceDataInput, { currency: 'USD', unit_amount: 1, product: mine }, [
          'line_items',
          0,
          'price_data',
        ]);
      } catch (e) {
        return e as AppError;
      }
      return undefined;
    })();
    expect([upper?.code, upper?.param]).toEqual(['parameter_invalid', `${PREFIX}[currency]`]);

    // A failure later in the same transaction takes the inline price and product back with it.
    await rejection(
      asMerchant(server.merchant.id, async (ctx) => {
        await createPriceFromData(
          ctx,
          { currency: 'usd', unit_amount: 5, product_data: { name: 'Rolled back' } },
          { paramPrefix: PREFIX },
        );
        throw new AppError('parameter_invalid', 'a later line item is wrong', { param: 'line_items[1][quantity]' });
      }),
    );
    expect({
      prices: await countRows('prices'),
      products: await countRows('products'),
      events: await countRows('events'),
    }).toEqual(afterSetup);
  });

  it('loads shipping rates and products only within the caller scope, naming the given parameter', async () => {
    const rate = await asMerchant(server.merchant.id, (ctx) =>
      createShippingRate(ctx, { display_name: 'Ground', fixed_amount: { amount: 500, currency: 'usd' } }),
    );
    expect(await asMerchant(server.merchant.id, (ctx) => loadShippingRate(ctx, rate.id))).toEqual(rate);
    const hidden = await rejection(
      asMerchant(server.other.id, (ctx) =>
        loadShippingRate(ctx, rate.id, { param: 'shipping_options[0][shipping_rate]' }),
      ),
    );
    expect([hidden.code, hidden.param]).toEqual(['resource_missing', 'shipping_options[0][shipping_rate]']);
    const missingPrice = await rejection(
      asMerchant(server.merchant.id, (ctx) => loadPrice(ctx, 'price_nope', { param: 'line_items[0][price]' })),
    );
    expect([missingPrice.code, missingPrice.param]).toEqual(['resource_missing', 'line_items[0][price]']);
    const missingProduct = await rejection(asMerchant(server.merchant.id, (ctx) => loadProduct(ctx, 'prod_nope')));
    expect([missingProduct.code, missingProduct.param]).toEqual(['resource_missing', 'id']);
  });
});
