import type { Deps, Actor, Merchant, OpContext } from '../context.js';
import { merchantActor } from '../context.js';
import { createCheckoutSession } from '../checkout-sessions/create-checkout-session.js';
import type { CheckoutSession } from '../checkout-sessions/session.js';
import { CHECKOUT_LINKS_TABLE, loadLinkRow, type CheckoutLink } from './checkout-link.js';

/**
 * Where a hosted confirmation is shown after a link's session completes: the session's own confirmation page,
 * which shows the link's `after_completion.hosted_confirmation.custom_message`.
 */
export function linkConfirmationUrl(publicUrl: string): string {
  return `${publicUrl}/c/{CHECKOUT_SESSION_ID}/complete`;
}

/**
 * The actor a link's public page acts as: the link's merchant, in the link's mode, on that merchant's clock. The
 * page carries no API key — the link id is public by design — so the link is found by id alone.
 */
export async function linkActor(deps: Deps, linkId: string): Promise<Actor | undefined> {
  if (!/^cl_[A-Za-z0-9]{1,100}$/.test(linkId)) return undefined;
  const row: (Merchant & { livemode: number }) | undefined = await deps.store.db
    .selectFrom(`${CHECKOUT_LINKS_TABLE} as l`)
    .innerJoin('merchants as m', 'm.id', 'l.merchant_id')
    .select(['l.livemode', 'm.id', 'm.name', 'm.default_api_version', 'm.test_clock_offset_s', 'm.created'])
    .where('l.id', '=', linkId)
    .executeTakeFirst();
  if (!row) return undefined;
  return merchantActor(deps.clock, row, row.livemode === 1);
}

export type LinkVisit = { kind: 'session'; session: CheckoutSession } | { kind: 'inactive'; link: CheckoutLink };

/**
 * A visit of a link's URL: an active link mints a new hosted Checkout Session from its items and options
 * (`checkout_link` set; success goes to `after_completion.redirect.url`, or to Railyard's confirmation page); an
 * inactive one mints nothing.
 */
export async function visitCheckoutLink(ctx: OpContext, linkId: string): Promise<LinkVisit> {
  const { link, items } = await loadLinkRow(ctx, linkId);
  if (!link.active) return { kind: 'inactive', link };
  const publicUrl = ctx.deps.config.publicUrl;
  const session = await createCheckoutSession(
    ctx,
    {
      mode: link.mode,
      ui_mode: 'hosted',
      line_items: items.items.map((i) => ({ price: i.price, quantity: i.quantity })),
      currency: link.currency,
      billing_address_collection: link.billing_address_collection,
      success_url: link.after_completion.type === 'redirect' && link.after_completion.redirect ? link.after_completion.redirect.url : linkConfirmationUrl(publicUrl),
      cancel_url: link.url,
    },
    { checkoutLink: { id: link.id, ownPrices: new Set(items.ownPrices) } },
  );
  return { kind: 'session', session };
}
