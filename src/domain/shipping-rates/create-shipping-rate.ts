import { insertObject } from '../../db/objects.js';
import { findCurrency } from '../../lib/currencies.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { initialMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import type { TaxBehavior } from '../prices/price.js';
import {
  SHIPPING_RATES_TABLE,
  shippingRateColumns,
  type DeliveryEstimateBound,
  type ShippingRate,
} from './shipping-rate.js';

export interface CreateShippingRateInput {
  display_name: string;
  type?: 'fixed_amount' | undefined;
  fixed_amount?: { amount: number; currency: string } | undefined;
  delivery_estimate?:
    { minimum?: DeliveryEstimateBound | undefined; maximum?: DeliveryEstimateBound | undefined } | undefined;
  tax_behavior?: TaxBehavior | undefined;
  tax_code?: string | undefined;
  active?: boolean | undefined;
  metadata?: Metadata | '' | undefined;
}

/**
 * Creates a shipping rate (`type: fixed_amount`, the only type). A delivery estimate's minimum may not exceed its
 * maximum when both use the same unit. Event: `shipping_rate.created`.
 */
export async function createShippingRate(ctx: OpContext, input: CreateShippingRateInput): Promise<ShippingRate> {
  if (!input.fixed_amount) {
    throw new AppError(
      'parameter_missing',
      'Missing required param: fixed_amount (a shipping rate of type fixed_amount needs fixed_amount[amount] and fixed_amount[currency]).',
      {
        param: 'fixed_amount',
      },
    );
  }
  const currency = findCurrency(input.fixed_amount.currency);
  if (!currency) {
    throw new AppError(
      'parameter_invalid',
      `Invalid currency: '${input.fixed_amount.currency}' is not a supported currency.`,
      { param: 'fixed_amount[currency]' },
    );
  }
  const minimum = input.delivery_estimate?.minimum ?? null;
  const maximum = input.delivery_estimate?.maximum ?? null;
  if (minimum && maximum && minimum.unit === maximum.unit && minimum.value > maximum.value) {
    throw new AppError(
      'parameter_invalid',
      'Invalid delivery_estimate[minimum][value]: the minimum cannot exceed the maximum.',
      {
        param: 'delivery_estimate[minimum][value]',
      },
    );
  }
  const rate: ShippingRate = {
    id: newId('shr'),
    object: 'shipping_rate',
    active: input.active ?? true,
    created: ctx.actor.now,
    delivery_estimate: minimum || maximum ? { maximum, minimum } : null,
    display_name: input.display_name,
    fixed_amount: { amount: input.fixed_amount.amount, currency: currency.code },
    livemode: ctx.actor.scope.livemode,
    metadata: initialMetadata(input.metadata),
    tax_behavior: input.tax_behavior ?? 'unspecified',
    tax_code: input.tax_code ?? null,
    type: 'fixed_amount',
  };
  await insertObject(ctx.db, SHIPPING_RATES_TABLE, ctx.actor.scope, rate, shippingRateColumns(rate));
  await recordEvent(ctx, 'shipping_rate.created', rate);
  return rate;
}
