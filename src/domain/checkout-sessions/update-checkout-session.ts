import { AppError } from '../../lib/errors.js';
import { mergeMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import type { AddressInput } from '../customers/customer.js';
import { checkShippingCountry } from './collect-details.js';
import { toShippingDetails } from './create-checkout-session.js';
import { notOpen } from './expire-checkout-session.js';
import { applyShipping } from './select-shipping-option.js';
import type { CheckoutSession } from './session.js';
import { loadSessionRow, saveSession } from './session-store.js';
import { resolveShippingOptions, type ShippingOptionInput } from './shipping-options.js';
import { isUnchanged } from '../../lib/unchanged.js';

export interface UpdateCheckoutSessionInput {
  metadata?: Metadata | '' | undefined;
  customer_email?: string | null | undefined;
  shipping_details?: { name?: string | null | undefined; address?: AddressInput | null | undefined } | null | undefined;
  /** Replaces the options; the first is put in effect (an empty list removes shipping). */
  shipping_options?: ShippingOptionInput[] | undefined;
}

/**
 * Updates an open session (else 400 `checkout_session_not_open`, nothing written): metadata merges; customer_email
 * (not on a session for a customer) and shipping_details (to a country the session ships to, if it collects an
 * address) are replaced (null or "" clears them); new shipping_options replace the old ones, the first
 * is preselected, and the totals and the PaymentIntent's amount follow. Fluveo has no event for a session update.
 */
export async function updateCheckoutSession(ctx: OpContext, id: string, input: UpdateCheckoutSessionInput): Promise<CheckoutSession> {
  const row = await loadSessionRow(ctx, id, { forUpdate: true });
  const current = row.session;
  if (current.status !== 'open') throw notOpen(current, 'update');
  let next: CheckoutSession = { ...current, metadata: mergeMetadata(current.metadata, input.metadata) };
  if (input.customer_email !== undefined) {
    if (input.customer_email && current.customer !== null) {
      throw new AppError('parameter_invalid', `This session is for customer ${current.customer}: pass either customer or customer_email, not both.`, {
        param: 'customer_email',
      });
    }
    next.customer_email = input.customer_email || null;
  }
  if (input.shipping_details !== undefined) {
    next.shipping_details = input.shipping_details ? toShippingDetails(input.shipping_details) : null;
    checkShippingCountry(current, next.shipping_details?.address ?? null, 'shipping_details[address]');
  }
  if (input.shipping_options !== undefined) {
    const options = await resolveShippingOptions(ctx, input.shipping_options, current.currency);
    next = await applyShipping(ctx, { ...next, shipping_options: options }, row.lineItems, options[0]?.shipping_rate, 'shipping_options');
  }
  if (isUnchanged(next, current)) return current;
  await saveSession(ctx, next);
  return next;
}
