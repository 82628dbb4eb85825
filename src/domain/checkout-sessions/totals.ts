import { MAX_AMOUNT } from '../../lib/currencies.js';
import { minimumCharge } from '../payment-intents/amount.js';
import { AppError } from '../../lib/errors.js';
import { money, MoneyOverflowError } from '../../lib/money.js';
import type { LineItem, ShippingCost, TotalDetails } from './session.js';

export interface Totals {
  amount_subtotal: number;
  amount_total: number;
  total_details: TotalDetails;
}

/**
 * A session's totals in checked integer arithmetic: `amount_subtotal` = Σ line amounts; `total_details` = discount
 * (none: Railyard has no coupons), shipping (the option in effect) and tax; `amount_total` = subtotal − discount +
 * shipping + exclusive tax. Railyard has no tax engine: inclusive prices already contain their tax and exclusive
 * ones add none, so `amount_tax` is 0. Above 99,999,999 → 400 `amount_too_large` naming `param`.
 */
export function computeTotals(items: LineItem[], shipping: ShippingCost | null, param = 'line_items'): Totals {
  try {
    const subtotal = money.withinMax(money.add(...items.map((i) => i.amount_subtotal)));
    const discount = money.add(...items.map((i) => i.amount_discount));
    const tax = money.add(...items.map((i) => i.amount_tax), shipping?.amount_tax ?? 0);
    const shippingAmount = shipping?.amount_subtotal ?? 0;
    const total = money.withinMax(money.add(money.sub(subtotal, discount), shippingAmount, tax));
    return {
      amount_subtotal: subtotal,
      amount_total: total,
      total_details: { amount_discount: discount, amount_shipping: shippingAmount, amount_tax: tax },
    };
  } catch (err) {
    if (err instanceof MoneyOverflowError) {
      throw new AppError('amount_too_large', `The session's total must be at most ${MAX_AMOUNT} (in the smallest currency unit).`, { param });
    }
    throw err;
  }
}

/** A total to charge must reach the minimum charge (`minimumCharge`); zero means nothing to pay. */
export function checkPayableTotal(total: number, currency: string, livemode: boolean, param: string): void {
  const minimum = minimumCharge(currency, livemode);
  if (total > 0 && total < minimum) {
    throw new AppError('amount_too_small', `The session's total must be at least ${minimum} ${currency} (in the smallest currency unit), or zero.`, {
      param,
    });
  }
}
