import { MAX_AMOUNT } from '../../lib/currencies.js';
import { normalizeDecimalAmount } from '../../lib/decimal-amount.js';
import { AppError } from '../../lib/errors.js';
import type { Price, Tier } from '../prices/price.js';

/** Decimal amounts carry at most 12 decimal places: fixed point at 10^12, in BigInt so nothing is lost. */
const SCALE = 10n ** 12n;

function fixed(decimal: string): bigint {
  const [whole = '0', fraction = ''] = normalizeDecimalAmount(decimal).split('.');
  return BigInt(whole) * SCALE + BigInt(fraction.padEnd(12, '0'));
}

/** Rounds a fixed-point amount to whole minor units, half up (amounts are never negative). */
function toMinorUnits(value: bigint, param: string): number {
  const rounded = (value + SCALE / 2n) / SCALE;
  if (rounded > BigInt(MAX_AMOUNT)) {
    throw new AppError('amount_too_large', `The amount of ${param} is above the maximum of ${MAX_AMOUNT}.`, { param });
  }
  return Number(rounded);
}

function tierUnit(t: Tier): bigint {
  return t.unit_amount_decimal !== null ? fixed(t.unit_amount_decimal) : 0n;
}

function tierFlat(t: Tier): bigint {
  return t.flat_amount_decimal !== null ? fixed(t.flat_amount_decimal) : 0n;
}

/**
 * The amount of `quantity` units of a one-time price, in minor units: `unit_amount × quantity` for a per-unit price
 * (`unit_amount_decimal` kept exact until the final half-up rounding; `transform_quantity` bills the rounded
 * package count), or the tiers' total for a tiered price (`volume`: the tier the quantity falls in prices every
 * unit; `graduated`: each tier prices its own units); above 99,999,999 → 400 naming `quantityParam`. Prices whose
 * amount the customer chooses (`custom_unit_amount`) and recurring prices cannot be sold in a Checkout Session:
 * 400 naming `param`.
 */
export function lineAmount(price: Price, quantity: number, param: string, quantityParam: string = param): number {
  // An inline price (price_data) is only created for this line and rolled back with the refusal: never name its id.
  const subject = param.endsWith('[price_data]') ? `The price described by ${param}` : `The price '${price.id}'`;
  if (price.type === 'recurring') {
    throw new AppError(
      'parameter_invalid',
      `${subject} is recurring; Checkout Sessions sell one-time prices (mode payment or order). Subscriptions are not supported.`,
      { param },
    );
  }
  if (price.custom_unit_amount !== null) {
    throw new AppError('parameter_invalid', `${subject} lets the customer choose the amount (custom_unit_amount), which Checkout Sessions do not support.`, {
      param,
    });
  }
  const qty = BigInt(quantity);
  if (price.billing_scheme === 'tiered' && price.tiers) {
    const tiers = price.tiers;
    if (price.tiers_mode === 'volume') {
      const tier = tiers.find((t) => t.up_to === null || quantity <= t.up_to) ?? tiers[tiers.length - 1];
      if (!tier) throw new AppError('parameter_invalid', `The price '${price.id}' has no tiers.`, { param });
      return toMinorUnits(tierUnit(tier) * qty + tierFlat(tier), quantityParam);
    }
    let total = 0n;
    let below = 0;
    for (const tier of tiers) {
      if (quantity <= below) break;
      const top = tier.up_to === null ? quantity : Math.min(quantity, tier.up_to);
      total += tierUnit(tier) * BigInt(top - below) + tierFlat(tier);
      below = top;
    }
    return toMinorUnits(total, quantityParam);
  }
  const unit = price.unit_amount_decimal !== null ? fixed(price.unit_amount_decimal) : BigInt(price.unit_amount ?? 0) * SCALE;
  let units = qty;
  if (price.transform_quantity) {
    const { divide_by: divideBy, round } = price.transform_quantity;
    const d = BigInt(divideBy);
    units = round === 'up' ? (qty + d - 1n) / d : qty / d;
  }
  return toMinorUnits(unit * units, quantityParam);
}
