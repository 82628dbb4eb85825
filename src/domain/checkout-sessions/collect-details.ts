import { findObject } from '../../db/objects.js';
import { AppError } from '../../lib/errors.js';
import type { OpContext } from '../context.js';
import { CUSTOMERS_TABLE, isDeleted, toAddress, type Address, type AddressInput, type StoredCustomer } from '../customers/customer.js';
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

// ---- What a buyer's name and phone may be: one rule for the hosted page's form and the client-side API. ----

/** The longest name a buyer may give (the page's field takes as many). */
export const MAX_BUYER_NAME = 150;
/** Digits, spaces and the usual phone punctuation, 5 to 25 characters (a `+` only first); see isValidBuyerPhone. */
const PHONE = /^\+?[0-9 ().-]{5,25}$/;
/** Characters a name may not contain (markup and template syntax have no place in a person's name). */
const NAME_FORBIDDEN = /[<>{}]/;

/** Why a (non-empty) name is refused, or null when it is fine. Each surface words its own message. */
export function buyerNameProblem(name: string): 'too_long' | 'forbidden_characters' | null {
  if (name.length > MAX_BUYER_NAME) return 'too_long';
  if (NAME_FORBIDDEN.test(name)) return 'forbidden_characters';
  return null;
}

/** A phone number a buyer may give: digits, spaces and + ( ) . - only, with 5 to 15 digits (E.164 allows 15). */
export function isValidBuyerPhone(phone: string): boolean {
  const digits = phone.replace(/\D/g, '').length;
  return PHONE.test(phone) && digits >= 5 && digits <= 15;
}

function checkName(name: string): void {
  const problem = buyerNameProblem(name);
  if (problem === 'too_long') throw new AppError('parameter_invalid', `Invalid name: must be at most ${MAX_BUYER_NAME} characters.`, { param: 'name' });
  if (problem === 'forbidden_characters') throw new AppError('parameter_invalid', 'Invalid name: must not contain the characters < > { }.', { param: 'name' });
}

function checkPhone(phone: string): void {
  if (!isValidBuyerPhone(phone)) {
    throw new AppError('parameter_invalid', 'Invalid phone: use digits, spaces and + ( ) . - only, with 5 to 15 digits (at most 25 characters).', {
      param: 'phone',
    });
  }
}

/**
 * The email the merchant fixed for a session — its `customer_email`, else the email of its Customer (not deleted) —
 * or null when the buyer gives theirs. The page shows a fixed email read-only; the API refuses another one.
 */
export async function merchantFixedEmail(ctx: OpContext, session: CheckoutSession): Promise<string | null> {
  return session.customer_email || (await customerEmail(ctx, session.customer));
}

/** The email a customer has, when it has one (a deleted customer has none). */
export async function customerEmail(ctx: OpContext, id: string | null): Promise<string | null> {
  if (id === null) return null;
  const customer = await findObject<StoredCustomer>(ctx.db, CUSTOMERS_TABLE, ctx.actor.scope, id);
  return customer && !isDeleted(customer) && customer.email ? customer.email : null;
}

/** The same address, letter case aside. */
function sameEmail(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
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
 * Merges what the buyer just gave over what was collected before (a field left out keeps its value; `""` clears
 * it), checking every value given, on every surface alike: a name of at most 150 characters without `< > { }`; a
 * phone of digits, spaces and `+ ( ) . -` with 5 to 15 digits; each address's country (and, for shipping, that the
 * session ships there; a session that collects no shipping address ignores one given). When the merchant fixed the
 * email (`fixedEmail`, see merchantFixedEmail), that one wins: a different email is refused, the same one (letter
 * case aside) is accepted, and none is kept. A refusal is a 400 `parameter_invalid` naming the field, and nothing
 * is merged.
 */
export function mergeBuyerDetails(session: CheckoutSession, before: CollectedDetails, input: BuyerDetailsInput, fixedEmail: string | null): CollectedDetails {
  const next: CollectedDetails = { ...before };
  if (fixedEmail !== null) {
    if (input.email && !sameEmail(input.email, fixedEmail)) {
      throw new AppError(
        'parameter_invalid',
        "Invalid email: the merchant set this session's email (its customer_email or customer), so the buyer cannot change it. Leave email out or pass the same address.",
        { param: 'email' },
      );
    }
    next.email = null; // nothing of the buyer's is kept: the merchant's email is the one a completion uses
  } else if (input.email !== undefined) {
    next.email = input.email || null;
  }
  if (input.name) checkName(input.name);
  if (input.phone) checkPhone(input.phone);
  if (input.name !== undefined) next.name = input.name || null;
  if (input.phone !== undefined) next.phone = input.phone || null;
  if (input.billing_address !== undefined) {
    next.billing_address = toAddress(input.billing_address);
    checkCountry(next.billing_address, 'billing_address');
  }
  if (input.shipping_address !== undefined) {
    const address = toAddress(input.shipping_address);
    checkCountry(address, 'shipping_address');
    // A session that collects no shipping address takes one given anyway (a checkout form that always sends every
    // field) without keeping it: it ships nowhere, as its hosted page, which has no such field, would not either.
    if (session.shipping_address_collection) {
      checkShippingCountry(session, address, 'shipping_address');
      next.shipping_address = address;
      if (input.name !== undefined) next.shipping_name = input.name || null;
    }
  }
  return next;
}

/**
 * What a completion needs, per the session's options: an email (the one the merchant fixed — `customer_email` or
 * its customer's — else the buyer's); a phone when `phone_number_collection` is on; a billing address with line1
 * and country when `billing_address_collection` is `required`; a shipping address (line1, country) and a name when
 * the session collects one (the buyer's, or the `shipping_details` the merchant set). A missing one is a 400 naming
 * it.
 */
export function requireCompletionDetails(session: CheckoutSession, collected: CollectedDetails, fixedEmail: string | null): void {
  const missing = (param: string, why: string) => new AppError('parameter_missing', `Missing required param: ${param} (${why}).`, { param });
  if (!(fixedEmail ?? collected.email ?? session.customer_email)) throw missing('email', 'the buyer\'s email address');
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
