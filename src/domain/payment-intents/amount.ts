import { AppError } from '../../lib/errors.js';
import { findCurrency, MAX_AMOUNT } from '../../lib/currencies.js';

/**
 * A payment amount in minor units for a currency: at least the currency's minimum (card networks refuse smaller
 * charges) and at most 99,999,999. The schema has already refused non-integers and amounts below 1.
 */
export function checkPaymentAmount(amount: number, currency: string, param = 'amount'): number {
  const info = findCurrency(currency);
  if (!info) throw new AppError('parameter_invalid', `Invalid currency: '${currency}' is not a supported currency.`, { param: 'currency' });
  if (amount < info.minimum) {
    throw new AppError('amount_too_small', `Amount must be at least ${info.minimum} ${currency} (in the smallest currency unit).`, { param });
  }
  if (amount > MAX_AMOUNT) {
    throw new AppError('amount_too_large', `Amount must be at most ${MAX_AMOUNT} (in the smallest currency unit).`, { param });
  }
  return amount;
}
