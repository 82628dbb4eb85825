import { AppError } from '../../lib/errors.js';
import { toAddress, type Address, type AddressInput } from '../customers/customer.js';
import { isCountryCode } from '../../lib/countries.js';
import type { CheckoutSession, CollectedDetails, ShippingDetails } from './session.js';

/** What a buyer may give, on the client-side API or the hosted page, before or with the payment. */
export interface BuyerDetailsInput {
  email?: string | undefined;
  name?: string | undefined;
  phone?: string | undefined;
  billing_address?: AddressInput | undefined;
  shipping_address?: AddressInput | undefined;
}

function checkCountry(address: Address | null, param: string): void {
  if (address?.country && !isCountryCode(address.country)) {
    throw new AppError('parameter_invalid', `Invalid country '${address.country}': must be an ISO 3166-1 alpha-2 code.`, { param: `${param}[country]` });
  }
}

/**
 * A shipping address's country, wherever it comes from (the buyer, or the merchant's `shipping_details`): an
 * ISO 3166-1 code, and one the session ships to when it collects an address. `param` names the address.
 */
export function checkShippingCountry(session: CheckoutSession, address: Address | null, param: string): void {
  checkCountry(address, param);
  const allowed = session.shipping_address_collection?.allowed_countries;
  if (address?.country && allowed && !allowed.includes(address.country)) {
    throw new AppError('parameter_invalid', `This session does not ship to ${address.country}; allowed: ${allowed.join(', ')}.`, {
      param: `${param}[country]`,
    });
  }
}

/**
 * The shipping a completion uses: the buyer's address with the name to ship to, or else the `shipping_details`
 * the merchant set (named after the buyer when they carry no name).
 */
export function shippingInEffect(session: CheckoutSession, collected: CollectedDetails): ShippingDetails | null {
  if (collected.shipping_address) return { name: collected.shipping_name ?? collected.name ?? null, address: collected.shipping_address };
  return session.shipping_details && { ...session.shipping_details, name: session.shipping_details.name ?? collected.name ?? null };
}

/**
 * Merges what the buyer just gave over what was collected before (a field left out keeps its value), checking
 * each address's country (and, for shipping, that the session ships there).
 */
export function mergeBuyerDetails(session: CheckoutSession, before: CollectedDetails, input: BuyerDetailsInput): CollectedDetails {
  const next: CollectedDetails = { ...before };
  if (input.email !== undefined) next.email = input.email || null;
  if (input.name !== undefined) next.name = input.name || null;
  if (input.phone !== undefined) next.phone = input.phone || null;
  if (input.billing_address !== undefined) {
    next.billing_address = toAddress(input.billing_address);
    checkCountry(next.billing_address, 'billing_address');
  }
  if (input.shipping_address !== undefined) {
    const address = toAddress(input.shipping_address);
    checkCountry(address, 'shipping_address');
    if (!session.shipping_address_collection) {
      throw new AppError('parameter_invalid', 'This session does not collect a shipping address.', { param: 'shipping_address' });
    }
    checkShippingCountry(session, address, 'shipping_address');
    next.shipping_address = address;
    if (input.name !== undefined) next.shipping_name = input.name || null;
  }
  return next;
}

/**
 * What a completion needs, per the session's options: an email (given, or the session's `customer_email`, or its
 * customer's); a phone when `phone_number_collection` is on; a billing address with line1 and country when
 * `billing_address_collection` is `required`; a shipping address (line1, country) and a name when the session
 * collects one (the buyer's, or the `shipping_details` the merchant set). A missing one is a 400 naming it.
 */
export function requireCompletionDetails(session: CheckoutSession, collected: CollectedDetails, customerEmail: string | null): void {
  const missing = (param: string, why: string) => new AppError('parameter_missing', `Missing required param: ${param} (${why}).`, { param });
  if (!(collected.email ?? session.customer_email ?? customerEmail)) throw missing('email', 'the buyer\'s email address');
  if (session.phone_number_collection && !collected.phone) throw missing('phone', 'this session collects a phone number');
  if (session.billing_address_collection === 'required') {
    if (!collected.billing_address) throw missing('billing_address', 'this session requires a billing address');
    if (!collected.billing_address.line1) throw missing('billing_address[line1]', 'this session requires a billing address');
    if (!collected.billing_address.country) throw missing('billing_address[country]', 'this session requires a billing address');
  }
  if (session.shipping_address_collection) {
    const shipping = shippingInEffect(session, collected);
    if (!shipping?.address) throw missing('shipping_address', 'this session collects a shipping address');
    if (!shipping.address.line1) throw missing('shipping_address[line1]', 'this session collects a shipping address');
    if (!shipping.address.country) throw missing('shipping_address[country]', 'this session collects a shipping address');
    if (!shipping.name) throw missing('name', 'the name to ship to');
  }
}
