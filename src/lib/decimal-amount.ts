/**
 * Decimal amounts in minor units (`unit_amount_decimal`, `flat_amount_decimal`): up to 12 decimal places, for
 * prices finer than the currency's smallest unit. They travel as strings so no precision is lost.
 */
export const DECIMAL_AMOUNT_PATTERN = /^\d{1,12}(\.\d{1,12})?$/;

/** The canonical spelling: no leading zeros in the integer part, no trailing zeros in the fraction. */
export function normalizeDecimalAmount(text: string): string {
  const [intPart = '0', frac = ''] = text.split('.');
  const whole = intPart.replace(/^0+(?=\d)/, '');
  const fraction = frac.replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

/** The whole number of minor units the decimal names, or null when it has a fractional part. */
export function decimalAsInteger(text: string): number | null {
  const normal = normalizeDecimalAmount(text);
  return normal.includes('.') ? null : Number(normal);
}

/** Whether the decimal is above `max` minor units: a fraction above the maximum counts (99999999.5 > 99999999). */
export function decimalExceeds(text: string, max: number): boolean {
  const [whole = '0', fraction] = normalizeDecimalAmount(text).split('.');
  const units = Number(whole);
  return units > max || (units === max && fraction !== undefined);
}
