/**
 * ISO-4217 currencies we accept, with their minor units (the exponent) and the smallest charge amount in minor
 * units. Currency codes travel lowercase on the wire. Zero-decimal currencies (exponent 0) take whole units. Two
 * follow the card networks' convention rather than ISO's exponent, as Fluveo and Stripe do: `isk` is two-decimal
 * (ISO: 0) and `mga` zero-decimal (ISO: 2).
 */
export interface Currency {
  code: string;
  exponent: 0 | 2 | 3;
  /** Smallest amount a payment may have, in minor units. */
  minimum: number;
}

/** The largest amount of any single money field, in minor units. */
export const MAX_AMOUNT = 99_999_999;

const TWO_DECIMAL = [
  'aed', 'afn', 'all', 'amd', 'ang', 'aoa', 'ars', 'aud', 'awg', 'azn', 'bam', 'bbd', 'bdt', 'bgn', 'bmd', 'bnd',
  'bob', 'brl', 'bsd', 'bwp', 'byn', 'bzd', 'cad', 'cdf', 'chf', 'cny', 'cop', 'crc', 'cve', 'czk', 'dkk', 'dop',
  'dzd', 'egp', 'etb', 'eur', 'fjd', 'fkp', 'gbp', 'gel', 'gip', 'gmd', 'gtq', 'gyd', 'hkd', 'hnl', 'htg', 'huf',
  'idr', 'ils', 'inr', 'isk', 'jmd', 'kes', 'kgs', 'khr', 'kyd', 'kzt', 'lak', 'lbp', 'lkr', 'lrd', 'lsl', 'mad',
  'mdl', 'mkd', 'mmk', 'mnt', 'mop', 'mur', 'mvr', 'mwk', 'mxn', 'myr', 'mzn', 'nad', 'ngn', 'nio', 'nok', 'npr',
  'nzd', 'pab', 'pen', 'pgk', 'php', 'pkr', 'pln', 'qar', 'ron', 'rsd', 'rub', 'sar', 'sbd', 'scr', 'sek', 'sgd',
  'shp', 'sle', 'sos', 'srd', 'szl', 'thb', 'tjs', 'top', 'try', 'ttd', 'twd', 'tzs', 'uah', 'usd', 'uyu', 'uzs',
  'wst', 'xcd', 'yer', 'zar', 'zmw', 'btn', 'cup', 'ern', 'ghs', 'irr', 'kpw', 'mru', 'sdg', 'ssp', 'stn', 'syp',
  'tmt', 'ves',
];
const ZERO_DECIMAL = ['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'];
const THREE_DECIMAL = ['bhd', 'iqd', 'jod', 'kwd', 'lyd', 'omr', 'tnd'];

/**
 * Minimums in minor units where they differ from 50 (roughly half a US dollar, as card networks require). HUF is
 * two-decimal on the wire, so its Ft 175.00 is 17,500.
 */
const MINIMUMS: Record<string, number> = {
  jpy: 50, krw: 500, clp: 500, vnd: 10_000, huf: 17_500, myr: 200, bgn: 100, inr: 50, mxn: 1_000, brl: 50, hkd: 400, sek: 300, nok: 300,
  dkk: 250, czk: 1_500, pln: 200, thb: 1_000, php: 2_500, idr: 700_000, ron: 200, zar: 800, aed: 200, sgd: 50,
  gbp: 30, kwd: 200, bhd: 200, omr: 200, jod: 200, tnd: 200,
};

export const CURRENCIES: ReadonlyMap<string, Currency> = new Map(
  [
    ...TWO_DECIMAL.map((code) => ({ code, exponent: 2 as const })),
    ...ZERO_DECIMAL.map((code) => ({ code, exponent: 0 as const })),
    ...THREE_DECIMAL.map((code) => ({ code, exponent: 3 as const })),
  ].map((c) => [c.code, { ...c, minimum: MINIMUMS[c.code] ?? (c.exponent === 0 ? 1 : 50) }]),
);

export function findCurrency(code: string): Currency | undefined {
  return CURRENCIES.get(code);
}

export function isZeroDecimal(code: string): boolean {
  return CURRENCIES.get(code)?.exponent === 0;
}
