import type { Address } from '../domain/customers/customer.js';

/** What the payment page shows of a session: only what the buyer needs, nothing else of the merchant's. */
export interface PageSession {
  id: string;
  livemode: boolean;
  currency: string;
  lines: PageLine[];
  amountSubtotal: number;
  amountDiscount: number;
  amountShipping: number;
  amountTax: number;
  amountTotal: number;
  shippingOptions: PageShippingOption[];
  /** The option in effect (the first one until the buyer picks another). */
  selectedShippingRate: string | null;
  /** Prefill: the session's customer_email, else its customer's email. */
  email: string | null;
  /** The email is fixed by the merchant (customer_email / customer): shown read-only. */
  emailLocked: boolean;
  phoneNumberCollection: boolean;
  billingAddressCollection: 'auto' | 'required';
  /** Shipping countries; null when no shipping address is collected. */
  allowedCountries: string[] | null;
  cancelUrl: string | null;
  expiresAt: number;
  /** False for a session created with nothing to pay (no PaymentIntent): no payment method is asked for. */
  paymentRequired: boolean;
}

/**
 * Whether the page requires the buyer's name: to ship to, and with a full billing address. Otherwise
 * (`billing_address_collection: auto`, nothing shipped) the name is asked for as optional.
 */
export function requiresName(s: PageSession): boolean {
  return s.billingAddressCollection === 'required' || s.allowedCountries !== null;
}

export interface PageLine {
  description: string;
  quantity: number;
  unitAmount: number | null;
  amountTotal: number;
}

export interface PageShippingOption {
  shippingRate: string;
  displayName: string;
  deliveryEstimate: string | null;
  amount: number;
  /** The session's tax and total with this option chosen. */
  tax: number;
  total: number;
}

/** What the buyer typed, echoed back when the page is shown again. Card number and CVC are never echoed. */
export interface FormValues {
  email: string;
  name: string;
  phone: string;
  shipping: AddressValues;
  billing: AddressValues;
  billingSameAsShipping: boolean;
  shippingRate: string;
  paymentMethod: string;
  expMonth: string;
  expYear: string;
}

export interface AddressValues {
  line1: string;
  line2: string;
  city: string;
  state: string;
  postal_code: string;
  country: string;
}

export const EMPTY_ADDRESS: AddressValues = { line1: '', line2: '', city: '', state: '', postal_code: '', country: '' };

/** Problems to show: one message at the top (a decline, a refused post) and one per field, keyed by field id. */
export interface PageErrors {
  summary?: string | undefined;
  fields: Record<string, string>;
}

export function addressValues(a: Address | null | undefined): AddressValues {
  if (!a) return { ...EMPTY_ADDRESS };
  return {
    line1: a.line1 ?? '',
    line2: a.line2 ?? '',
    city: a.city ?? '',
    state: a.state ?? '',
    postal_code: a.postal_code ?? '',
    country: a.country ?? '',
  };
}
