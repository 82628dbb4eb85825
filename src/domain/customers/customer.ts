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

export function toAddress(input: AddressInput | null | undefined): Address | null {
  if (!input) return null;
  return {
    line1: input.line1 ?? null,
    line2: input.line2 ?? null,
    city: input.city ?? null,
    state: input.state ?? null,
    postal_code: input.postal_code ?? null,
    country: input.country ?? null,
  };
}
