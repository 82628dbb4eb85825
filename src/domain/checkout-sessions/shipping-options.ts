import { AppError } from '../../lib/errors.js';
import { nestParam } from '../../lib/param-path.js';
import type { OpContext } from '../context.js';
import { createShippingRate, type CreateShippingRateInput } from '../shipping-rates/create-shipping-rate.js';
import { loadShippingRate } from '../shipping-rates/load-shipping-rate.js';
import type { ShippingRate } from '../shipping-rates/shipping-rate.js';
import { MAX_SHIPPING_OPTIONS, type ShippingCost, type ShippingOption } from './session.js';

export interface ShippingOptionInput {
  shipping_rate?: string | undefined;
  shipping_rate_data?: CreateShippingRateInput | undefined;
}

/**
 * Resolves `shipping_options`: each names exactly one of an existing, active `shipping_rate` of the caller or a
 * `shipping_rate_data` (a new shipping rate, created in the caller's transaction); every rate is in the session's
 * currency; at most MAX_SHIPPING_OPTIONS, no rate twice.
 */
export async function resolveShippingOptions(ctx: OpContext, inputs: ShippingOptionInput[], currency: string): Promise<ShippingOption[]> {
  if (inputs.length > MAX_SHIPPING_OPTIONS) {
    throw new AppError('parameter_invalid', `Invalid shipping_options: at most ${MAX_SHIPPING_OPTIONS} options.`, { param: 'shipping_options' });
  }
  const options: ShippingOption[] = [];
  for (const [i, input] of inputs.entries()) {
    const at = (field: string) => `shipping_options[${i}][${field}]`;
    let rate: ShippingRate;
    if (input.shipping_rate !== undefined && input.shipping_rate_data !== undefined) {
      throw new AppError('parameter_invalid', `Pass either shipping_rate or shipping_rate_data in shipping_options[${i}], not both.`, {
        param: at('shipping_rate_data'),
      });
    }
    if (input.shipping_rate !== undefined) {
      rate = await loadShippingRate(ctx, input.shipping_rate, { param: at('shipping_rate') });
      if (!rate.active) {
        throw new AppError('parameter_invalid', `The shipping rate '${rate.id}' is archived (active=false) and cannot be offered.`, { param: at('shipping_rate') });
      }
      if (rate.fixed_amount.currency !== currency) {
        throw new AppError('parameter_invalid', `The shipping rate '${rate.id}' is in ${rate.fixed_amount.currency}; the session is in ${currency}.`, {
          param: at('shipping_rate'),
        });
      }
    } else if (input.shipping_rate_data !== undefined) {
      const prefix = at('shipping_rate_data');
      if (input.shipping_rate_data.fixed_amount && input.shipping_rate_data.fixed_amount.currency !== currency) {
        throw new AppError('parameter_invalid', `The shipping rate is in ${input.shipping_rate_data.fixed_amount.currency}; the session is in ${currency}.`, {
          param: `${prefix}[fixed_amount][currency]`,
        });
      }
      try {
        rate = await createShippingRate(ctx, input.shipping_rate_data);
      } catch (err) {
        if (err instanceof AppError && err.param) throw new AppError(err.code, err.message, { param: nestParam(prefix, err.param) });
        throw err;
      }
    } else {
      throw new AppError('parameter_missing', `Missing required param: ${at('shipping_rate')} (or ${at('shipping_rate_data')}).`, { param: at('shipping_rate') });
    }
    if (options.some((o) => o.shipping_rate === rate.id)) {
      throw new AppError('parameter_invalid', `The shipping rate '${rate.id}' is listed twice.`, { param: at('shipping_rate') });
    }
    options.push({ shipping_rate: rate.id, shipping_amount: rate.fixed_amount.amount });
  }
  return options;
}

/** The cost of a chosen option. Taxes on shipping are not computed (no tax engine): amount_tax is 0. */
export function shippingCostOf(option: ShippingOption | undefined): ShippingCost | null {
  if (!option) return null;
  return { amount_subtotal: option.shipping_amount, amount_tax: 0, amount_total: option.shipping_amount, shipping_rate: option.shipping_rate };
}
