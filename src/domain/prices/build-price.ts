import { findCurrency, MAX_AMOUNT } from '../../lib/currencies.js';
import { decimalAsInteger, decimalExceeds, normalizeDecimalAmount } from '../../lib/decimal-amount.js';
import { AppError } from '../../lib/errors.js';
import { initialMetadata } from '../../lib/metadata.js';
import { nestParam } from '../../lib/param-path.js';
import {
  MAX_INTERVAL_COUNT,
  type CustomUnitAmount,
  type Price,
  type PriceTermsInput,
  type Recurring,
  type Tier,
  type TierInput,
} from './price.js';

export interface BuildPriceContext {
  id: string;
  product: string;
  created: number;
  livemode: boolean;
  /** Where the terms sit in the request (`default_price_data`, `line_items[0][price_data]`); errors name it. */
  paramPrefix?: string | undefined;
}

/**
 * Checks the rules that tie a price's fields together (the edge has checked each field alone) and builds the Price
 * object. Nothing is written. Rules: a `per_unit` price has exactly one of `unit_amount`, `unit_amount_decimal` or
 * `custom_unit_amount`; a `tiered` price has `tiers` and `tiers_mode` and none of those; `type` follows `recurring`;
 * custom amounts are one-time only and never below the currency's minimum charge.
 */
export function buildPrice(terms: PriceTermsInput, ctx: BuildPriceContext): Price {
  const param = (name: string) => nestParam(ctx.paramPrefix, name);
  const invalid = (name: string, message: string) => new AppError('parameter_invalid', message, { param: param(name) });
  const missing = (name: string, message: string) => new AppError('parameter_missing', message, { param: param(name) });
  const tooLarge = (name: string, message: string) => new AppError('amount_too_large', message, { param: param(name) });

  const currency = findCurrency(terms.currency);
  if (!currency)
    throw invalid(
      'currency',
      `Invalid currency: '${terms.currency}' is not a supported three-letter ISO currency code in lowercase.`,
    );

  // type is derived from `recurring`; when given it must agree.
  if (terms.type === 'recurring' && !terms.recurring) {
    throw missing(
      'recurring',
      'Missing required param: recurring. A price of type recurring needs recurring[interval].',
    );
  }
  if (terms.type === 'one_time' && terms.recurring) {
    throw invalid('recurring', 'A price of type one_time cannot have recurring; leave out type or recurring.');
  }
  let recurring: Recurring | null = null;
  if (terms.recurring) {
    const count = terms.recurring.interval_count ?? 1;
    const max = MAX_INTERVAL_COUNT[terms.recurring.interval];
    if (count > max) {
      throw invalid(
        'recurring[interval_count]',
        `Invalid recurring[interval_count]: the billing period can be at most one year (${max} ${terms.recurring.interval}s).`,
      );
    }
    recurring = {
      interval: terms.recurring.interval,
      interval_count: count,
      usage_type: terms.recurring.usage_type ?? 'licensed',
    };
  }

  const billingScheme = terms.billing_scheme ?? 'per_unit';
  const custom = terms.custom_unit_amount?.enabled ? terms.custom_unit_amount : undefined;
  let unitAmount: number | null = null;
  let unitAmountDecimal: string | null = null;
  let tiers: Tier[] | null = null;
  let customUnitAmount: CustomUnitAmount | null = null;

  if (billingScheme === 'tiered') {
    if (terms.unit_amount !== undefined)
      throw invalid(
        'unit_amount',
        'A tiered price takes its amounts from tiers; unit_amount cannot be used with billing_scheme=tiered.',
      );
    if (terms.unit_amount_decimal !== undefined)
      throw invalid(
        'unit_amount_decimal',
        'A tiered price takes its amounts from tiers; unit_amount_decimal cannot be used with billing_scheme=tiered.',
      );
    if (custom) throw invalid('custom_unit_amount', 'custom_unit_amount cannot be used with billing_scheme=tiered.');
    if (terms.transform_quantity)
      throw invalid('transform_quantity', 'transform_quantity cannot be used with billing_scheme=tiered.');
    if (!terms.tiers || terms.tiers.length === 0)
      throw missing('tiers', 'Missing required param: tiers. A price with billing_scheme=tiered needs tiers.');
    if (!terms.tiers_mode)
      throw missing(
        'tiers_mode',
        'Missing required param: tiers_mode (graduated or volume) for billing_scheme=tiered.',
      );
    tiers = buildTiers(terms.tiers, param);
  } else {
    if (terms.tiers !== undefined) throw invalid('tiers', 'tiers can only be used with billing_scheme=tiered.');
    if (terms.tiers_mode !== undefined)
      throw invalid('tiers_mode', 'tiers_mode can only be used with billing_scheme=tiered.');
    if (terms.unit_amount !== undefined && terms.unit_amount_decimal !== undefined) {
      throw invalid('unit_amount_decimal', 'Pass only one of unit_amount and unit_amount_decimal.');
    }
    if (custom) {
      if (terms.unit_amount !== undefined)
        throw invalid(
          'unit_amount',
          'unit_amount cannot be used with custom_unit_amount: the customer chooses the amount.',
        );
      if (terms.unit_amount_decimal !== undefined)
        throw invalid(
          'unit_amount_decimal',
          'unit_amount_decimal cannot be used with custom_unit_amount: the customer chooses the amount.',
        );
      if (recurring) throw invalid('custom_unit_amount', 'custom_unit_amount is only available on one-time prices.');
      customUnitAmount = buildCustomUnitAmount(custom, currency.code, currency.minimum, param);
    } else if (terms.unit_amount !== undefined) {
      unitAmount = terms.unit_amount;
      unitAmountDecimal = String(terms.unit_amount);
    } else if (terms.unit_amount_decimal !== undefined) {
      unitAmountDecimal = normalizeDecimalAmount(terms.unit_amount_decimal);
      if (decimalExceeds(unitAmountDecimal, MAX_AMOUNT))
        throw tooLarge('unit_amount_decimal', `Invalid unit_amount_decimal: must be at most ${MAX_AMOUNT}.`);
      unitAmount = decimalAsInteger(unitAmountDecimal);
    } else {
      throw missing(
        'unit_amount',
        'Missing required param: unit_amount (or unit_amount_decimal, or custom_unit_amount).',
      );
    }
  }

  return {
    id: ctx.id,
    object: 'price',
    active: terms.active ?? true,
    billing_scheme: billingScheme,
    created: ctx.created,
    currency: currency.code,
    custom_unit_amount: customUnitAmount,
    livemode: ctx.livemode,
    lookup_key: terms.lookup_key ?? null,
    metadata: initialMetadata(terms.metadata),
    nickname: terms.nickname || null,
    product: ctx.product,
    recurring,
    tax_behavior: terms.tax_behavior ?? 'unspecified',
    tiers,
    tiers_mode: billingScheme === 'tiered' ? (terms.tiers_mode ?? null) : null,
    transform_quantity: terms.transform_quantity
      ? { divide_by: terms.transform_quantity.divide_by, round: terms.transform_quantity.round }
      : null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: unitAmountDecimal,
  };
}

/** Tiers ascend strictly by `up_to`; only the last is unbounded (`inf`); each has a unit or a flat amount. */
function buildTiers(input: TierInput[], param: (name: string) => string): Tier[] {
  let previous = 0;
  return input.map((t, i) => {
    const at = (field: string) => param(`tiers[${i}][${field}]`);
    const last = i === input.length - 1;
    if (last && t.up_to !== 'inf') {
      throw new AppError('parameter_invalid', `Invalid tiers[${i}][up_to]: the last tier must have up_to=inf.`, {
        param: at('up_to'),
      });
    }
    if (!last && t.up_to === 'inf') {
      throw new AppError('parameter_invalid', `Invalid tiers[${i}][up_to]: only the last tier can have up_to=inf.`, {
        param: at('up_to'),
      });
    }
    if (t.up_to !== 'inf') {
      if (t.up_to <= previous) {
        throw new AppError(
          'parameter_invalid',
          `Invalid tiers[${i}][up_to]: tiers must be in ascending order of up_to (after ${previous}).`,
          { param: at('up_to') },
        );
      }
      previous = t.up_to;
    }
    if (t.unit_amount !== undefined && t.unit_amount_decimal !== undefined) {
      throw new AppError('parameter_invalid', 'Pass only one of unit_amount and unit_amount_decimal in a tier.', {
        param: at('unit_amount_decimal'),
      });
    }
    if (t.flat_amount !== undefined && t.flat_amount_decimal !== undefined) {
      throw new AppError('parameter_invalid', 'Pass only one of flat_amount and flat_amount_decimal in a tier.', {
        param: at('flat_amount_decimal'),
      });
    }
    const unit = amountPair(t.unit_amount, t.unit_amount_decimal, at('unit_amount_decimal'));
    const flat = amountPair(t.flat_amount, t.flat_amount_decimal, at('flat_amount_decimal'));
    if (unit.decimal === null && flat.decimal === null) {
      throw new AppError('parameter_missing', `Missing required param: tiers[${i}][unit_amount] (or a flat_amount).`, {
        param: at('unit_amount'),
      });
    }
    return {
      flat_amount: flat.amount,
      flat_amount_decimal: flat.decimal,
      unit_amount: unit.amount,
      unit_amount_decimal: unit.decimal,
      up_to: t.up_to === 'inf' ? null : t.up_to,
    };
  });
}

function amountPair(
  amount: number | undefined,
  decimal: string | undefined,
  decimalParam: string,
): { amount: number | null; decimal: string | null } {
  if (amount !== undefined) return { amount, decimal: String(amount) };
  if (decimal === undefined) return { amount: null, decimal: null };
  const normal = normalizeDecimalAmount(decimal);
  if (decimalExceeds(normal, MAX_AMOUNT)) {
    throw new AppError('amount_too_large', `Invalid ${decimalParam}: must be at most ${MAX_AMOUNT}.`, {
      param: decimalParam,
    });
  }
  return { amount: decimalAsInteger(normal), decimal: normal };
}

/** Custom amounts chosen by the customer: never below the currency's minimum charge, preset within the bounds. */
function buildCustomUnitAmount(
  input: { minimum?: number | undefined; maximum?: number | undefined; preset?: number | undefined },
  currency: string,
  currencyMinimum: number,
  param: (name: string) => string,
): CustomUnitAmount {
  const { minimum, maximum, preset } = input;
  const below = (field: string, value: number) =>
    new AppError(
      'parameter_invalid',
      `Invalid custom_unit_amount[${field}]: ${value} is below the minimum charge of ${currencyMinimum} for ${currency}.`,
      {
        param: param(`custom_unit_amount[${field}]`),
      },
    );
  if (minimum !== undefined && minimum < currencyMinimum) throw below('minimum', minimum);
  if (maximum !== undefined && maximum < currencyMinimum) throw below('maximum', maximum);
  if (minimum !== undefined && maximum !== undefined && maximum < minimum) {
    throw new AppError(
      'parameter_invalid',
      'Invalid custom_unit_amount[maximum]: must be at least custom_unit_amount[minimum].',
      {
        param: param('custom_unit_amount[maximum]'),
      },
    );
  }
  if (preset !== undefined) {
    if (preset < (minimum ?? currencyMinimum)) {
      throw new AppError(
        'parameter_invalid',
        `Invalid custom_unit_amount[preset]: must be at least ${minimum ?? currencyMinimum}.`,
        {
          param: param('custom_unit_amount[preset]'),
        },
      );
    }
    if (maximum !== undefined && preset > maximum) {
      throw new AppError(
        'parameter_invalid',
        'Invalid custom_unit_amount[preset]: must be at most custom_unit_amount[maximum].',
        {
          param: param('custom_unit_amount[preset]'),
        },
      );
    }
  }
  return { enabled: true, maximum: maximum ?? null, minimum: minimum ?? null, preset: preset ?? null };
}
