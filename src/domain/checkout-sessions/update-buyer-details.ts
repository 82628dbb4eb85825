import type { OpContext } from '../context.js';
import { mergeBuyerDetails, merchantFixedEmail, type BuyerDetailsInput } from './collect-details.js';
import { assertPayable } from './complete-checkout-session.js';
import { applyShipping } from './select-shipping-option.js';
import type { SessionRow } from './session.js';
import { loadSessionRow, saveSession } from './session-store.js';

export interface UpdateBuyerDetailsInput extends BuyerDetailsInput {
  shipping_rate?: string | undefined;
}

/**
 * The buyer fills the session in before paying (client-side API): email, name, phone, addresses, and the shipping
 * option (which moves the totals and the PaymentIntent's amount), checked as a completion checks them
 * (mergeBuyerDetails). Kept for the confirmation, which may add to them. Only while the session is open and
 * unexpired; a refused detail writes nothing.
 */
export async function updateBuyerDetails(ctx: OpContext, id: string, input: UpdateBuyerDetailsInput): Promise<SessionRow> {
  const row = await loadSessionRow(ctx, id, { forUpdate: true });
  assertPayable(ctx, row.session, 'update');
  const collected = mergeBuyerDetails(row.session, row.collected, input, await merchantFixedEmail(ctx, row.session));
  const session = input.shipping_rate !== undefined ? await applyShipping(ctx, row.session, row.lineItems, input.shipping_rate, 'shipping_rate') : row.session;
  await saveSession(ctx, session, collected);
  return { session, lineItems: row.lineItems, collected };
}
