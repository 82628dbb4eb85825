import { AppError } from '../../lib/errors.js';
import type { Metadata } from '../../lib/metadata.js';

export type RecurringInterval = 'day' | 'week' | 'month' | 'year';
export type TaxBehavior = 'inclusive' | 'exclusive' | 'unspecified';

export interface Recurring {
  interval: RecurringInterval;
  interval_count: number;
  usage_type: 'licensed' | 'metered';
}

export interface Tier {
  flat_amount: number | null;
  flat_amount_decimal: string | null;
  unit_amount: number | null;
  unit_amount_decimal: string | null;
  /** The tier's upper bound in units (inclusive); null for the last, unbounded tier. */
  up_to: number | null;
}

export interface CustomUnitAmount {
  /** Always true: a price without a custom amount has `custom_unit_amount: null`. */
  enabled: true;
  maximum: number | null;
  minimum: number | null;
  preset: number | null;
}

export interface TransformQuantity {
  divide_by: number;
  round: 'up' | 'down';
}

export interface Price {
  id: string;
  object: 'price';
  active: boolean;
  billing_scheme: 'per_unit' | 'tiered';
  created: number;
  currency: string;
  custom_unit_amount: CustomUnitAmount | null;
  livemode: boolean;
  lookup_key: string | null;
  metadata: Metadata;
  nickname: string | null;
  /** A product id, or the Product object when expanded. */
  product: string;
  recurring: Recurring | null;
  tax_behavior: TaxBehavior;
  tiers: Tier[] | null;
  tiers_mode: 'graduated' | 'volume' | null;
  transform_quantity: TransformQuantity | null;
  type: 'one_time' | 'recurring';
  unit_amount: number | null;
  unit_amount_decimal: string | null;
}

export { PRICES_TABLE } from '../../db/repos/prices.js';

/**
 * The longest billing period a recurring price may have: one year, whatever the unit — 365 days, 52 weeks, 12 months
 * or 1 year, the maxima the spec names (fluveo-api.md §7 #44) where the Fluveo docs leave the bound open.
 */
export const MAX_INTERVAL_COUNT: Record<RecurringInterval, number> = { day: 365, week: 52, month: 12, year: 1 };

/** The filter columns of a price row, kept in step with its JSON. */
export function priceColumns(p: Price): Record<string, unknown> {
  return { active: p.active ? 1 : 0, product: p.product, type: p.type, currency: p.currency, lookup_key: p.lookup_key };
}

/** The answer when the unique index refuses a lookup key that a concurrent request claimed first. */
export function lookupKeyConflict(lookupKey: string, param: string): AppError {
  return new AppError('parameter_invalid', `Another price already uses the lookup key '${lookupKey}'.`, { param });
}

export interface TierInput {
  up_to: number | 'inf';
  flat_amount?: number | undefined;
  flat_amount_decimal?: string | undefined;
  unit_amount?: number | undefined;
  unit_amount_decimal?: string | undefined;
}

/** The pricing fields a price is created with, shared by POST /v1/prices, `default_price_data` and `price_data`. */
export interface PriceTermsInput {
  currency: string;
  unit_amount?: number | undefined;
  unit_amount_decimal?: string | undefined;
  billing_scheme?: 'per_unit' | 'tiered' | undefined;
  tiers?: TierInput[] | undefined;
  tiers_mode?: 'graduated' | 'volume' | undefined;
  type?: 'one_time' | 'recurring' | undefined;
  recurring?:
    | {
        interval: RecurringInterval;
        interval_count?: number | undefined;
        usage_type?: 'licensed' | 'metered' | undefined;
      }
    | undefined;
  custom_unit_amount?:
    | { enabled: boolean; minimum?: number | undefined; maximum?: number | undefined; preset?: number | undefined }
    | undefined;
  transform_quantity?: TransformQuantity | undefined;
  tax_behavior?: TaxBehavior | undefined;
  active?: boolean | undefined;
  lookup_key?: string | undefined;
  nickname?: string | undefined;
  metadata?: Metadata | '' | undefined;
}
