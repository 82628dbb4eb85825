import type { Metadata } from '../../lib/metadata.js';

export interface Address {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
}

export interface Customer {
  id: string;
  object: 'customer';
  address: Address | null;
  balance: number;
  created: number;
  currency: string | null;
  default_source: string | null;
  delinquent: boolean;
  description: string | null;
  email: string | null;
  livemode: boolean;
  metadata: Metadata;
  name: string | null;
  phone: string | null;
  shipping: null;
}

export interface DeletedCustomer {
  id: string;
  object: 'customer';
  deleted: true;
}

export type StoredCustomer = Customer | (DeletedCustomer & { created: number });

export const CUSTOMERS_TABLE = 'customers';

export function isDeleted(c: StoredCustomer): c is DeletedCustomer & { created: number } {
  return 'deleted' in c;
}

export type AddressInput = Partial<Address>;

/** "" and null both mean "no value" for a customer's text fields (an update uses either to unset one). */
export function textOrNull(v: string | null | undefined): string | null {
  return v === undefined || v === null || v === '' ? null : v;
}

export function toAddress(input: AddressInput | null | undefined): Address | null {
  if (!input) return null;
  return {
    line1: textOrNull(input.line1),
    line2: textOrNull(input.line2),
    city: textOrNull(input.city),
    state: textOrNull(input.state),
    postal_code: textOrNull(input.postal_code),
    country: textOrNull(input.country),
  };
}
