import { COUNTRY_CODES } from '../lib/countries.js';
import { countryName } from './format.js';

export interface CountryChoice {
  code: string;
  name: string;
}

/** Codes with their English names, sorted by name: what a country select lists. */
export function countryChoices(codes: Iterable<string>): CountryChoice[] {
  return [...codes].map((code) => ({ code, name: countryName(code) })).sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

/** Every assigned country: the billing-country choices when nothing restricts them (computed once). */
export const ALL_COUNTRIES: readonly CountryChoice[] = countryChoices(COUNTRY_CODES);

/**
 * Countries whose addresses have no postal code (or none in general use): the page does not ask for one there.
 */
export const NO_POSTAL_CODE: ReadonlySet<string> = new Set(
  ('AE AG AO AW BF BI BJ BO BS BW BZ CD CF CG CI CK CM CW DJ DM ER FJ GA GD GH GM GQ GY HK HM JM KI KM KN KP LY ML ' +
    'MO MR MW NR NU QA RW SB SC SL SR ST SX SY TD TF TG TK TL TO TT TV UG VU YE ZW').split(' '),
);
