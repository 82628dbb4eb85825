import type { Metadata } from '../../lib/metadata.js';
import type { TaxBehavior } from '../prices/price.js';

export type DeliveryUnit = 'hour' | 'day' | 'business_day' | 'week' | 'month';

export interface DeliveryEstimateBound {
  unit: DeliveryUnit;
  value: number;
}

export interface ShippingRate {
  id: string;
  object: 'shipping_rate';
  active: boolean;
  created: number;
  delivery_estimate: { maximum: DeliveryEstimateBound | null; minimum: DeliveryEstimateBound | null } | null;
  display_name: string;
  fixed_amount: { amount: number; currency: string };
  livemode: boolean;
  metadata: Metadata;
  tax_behavior: TaxBehavior;
  tax_code: string | null;
  type: 'fixed_amount';
}

export const SHIPPING_RATES_TABLE = 'shipping_rates';

/** The filter columns of a shipping-rate row, kept in step with its JSON. */
export function shippingRateColumns(r: ShippingRate): Record<string, unknown> {
  return { active: r.active ? 1 : 0, currency: r.fixed_amount.currency };
}
