import type { Metadata } from '../../lib/metadata.js';
import type { Address } from '../customers/customer.js';
import type { CardBrand, CardFunding } from '../processor/processor.js';

export const PAYMENT_METHODS_TABLE = 'payment_methods';

export interface BillingDetails {
  address: Address | null;
  email: string | null;
  name: string | null;
  phone: string | null;
}

export interface PaymentMethodCard {
  brand: CardBrand;
  checks: { address_line1_check: null; address_postal_code_check: null; cvc_check: 'pass' | null };
  country: string | null;
  exp_month: number;
  exp_year: number;
  /** HMAC of the card number under a per-merchant key: the same card gives the same value for one merchant. */
  fingerprint: string;
  funding: CardFunding;
  last4: string;
  three_d_secure_usage: { supported: boolean };
  wallet: null;
}

export interface PaymentMethod {
  id: string;
  object: 'payment_method';
  billing_details: BillingDetails;
  card: PaymentMethodCard;
  created: number;
  customer: string | null;
  livemode: boolean;
  metadata: Metadata;
  type: 'card';
}

/** A payment method ready to be charged: the API object and the processor's token for it. */
export interface UsablePaymentMethod {
  paymentMethod: PaymentMethod;
  token: string;
  /** One of the shared `pm_card_*` test ids (not a stored object). */
  isTestId: boolean;
}

export const emptyBillingDetails = (): BillingDetails => ({ address: null, email: null, name: null, phone: null });
