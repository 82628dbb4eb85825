import { AppError } from '../../lib/errors.js';
import { findCurrency, MAX_AMOUNT } from '../../lib/currencies.js';

/**
 * The smallest amount a payment may have: 1 in test mode (the documented `amount ≥ 1`, fluveo-api.md §7 #43), the
 * currency's minimum charge in live mode (card networks refuse smaller charges).
 */
export function minimumCharge(currency: string, livemode: boolean): number {
  return livemode ? (findCurrency(currency)?.minimum ?? 1) : 1;
}

/**
 * A payment amount in minor units for a currency: at least its minimum charge (`minimumCharge`) and at most
 * 99,999,999. The schema has already refused non-integers and amounts below 1.
 */
export function checkPaymentAmount(amount: number, currency: string, livemode: boolean, param = 'amount'): number {
  const info = findCurrency(currency);
  if (!info) throw new AppError('parameter_invalid', `Invalid currency: '${currency}' is not a supported currency.`, { param: 'currency' });
  const minimum = minimumCharge(currency, livemode);
  if (amount < minimum) {
    throw new AppError('amount_too_small', `Amount must be at least ${minimum} ${currency} (in the smallest currency unit).`, { param });
  }
  if (amount > MAX_AMOUNT) {
    throw new AppError('amount_too_large', `Amount must be at most ${MAX_AMOUNT} (in the smallest currency unit).`, { param });
  }
  return amount;
}

/** An application fee never exceeds the amount it is taken from: a 400 naming what set either. */
export function checkApplicationFee(fee: number | null | undefined, amount: number, param: string): void {
  if (fee != null && fee > amount) {
    throw new AppError('parameter_invalid', `application_fee_amount (${fee}) cannot exceed the amount (${amount}).`, { param });
  }
}
