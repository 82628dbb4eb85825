import type { Db } from '../db/store.js';
import { merchantFixedEmail } from '../domain/checkout-sessions/collect-details.js';
import { CHECKOUT_SESSIONS_TABLE, type SessionRow } from '../domain/checkout-sessions/session.js';
import { selectSession } from '../domain/checkout-sessions/session-store.js';
import { shippingCostOf } from '../domain/checkout-sessions/shipping-options.js';
import { computeTotals } from '../domain/checkout-sessions/totals.js';
import { merchantNow, type Deps, type Merchant, type OpContext } from '../domain/context.js';
import { loadShippingRate } from '../domain/shipping-rates/load-shipping-rate.js';
import type { DeliveryEstimateBound, ShippingRate } from '../domain/shipping-rates/shipping-rate.js';
import type { PageSession, PageShippingOption } from './page-model.js';

/** Session ids as the pages accept them in a path. */
const SESSION_ID = /^cs_[A-Za-z0-9]{1,100}$/;

export interface FoundSession {
  ctx: OpContext;
  row: SessionRow;
}

/** The operation context of a session's own merchant and mode, at the merchant's clock. */
export async function merchantContext(deps: Deps, db: Db, merchantId: string, livemode: boolean): Promise<OpContext | undefined> {
  const merchant = (await db.selectFrom('merchants').selectAll().where('id', '=', merchantId).executeTakeFirst()) as Merchant | undefined;
  if (!merchant) return undefined;
  return {
    deps,
    db,
    actor: {
      merchant,
      scope: { merchantId: merchant.id, livemode },
      apiVersion: merchant.default_api_version,
      now: merchantNow(deps.clock, merchant, livemode),
    },
  };
}

/**
 * A session by id alone: the pages are reached by URL, without an API key, so the session's row names the merchant
 * and mode to act as. Unknown ids (and anything that is not a session id) → undefined.
 */
export async function findSession(deps: Deps, db: Db, id: string, options: { forUpdate?: boolean } = {}): Promise<FoundSession | undefined> {
  if (!SESSION_ID.test(id)) return undefined;
  const owner: { merchant_id: string; livemode: number | boolean } | undefined = await db
    .selectFrom(CHECKOUT_SESSIONS_TABLE)
    .select(['merchant_id', 'livemode'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!owner) return undefined;
  const ctx = await merchantContext(deps, db, owner.merchant_id, Number(owner.livemode) === 1);
  if (!ctx) return undefined;
  const row = await selectSession(db, ctx.actor.scope, id, { forUpdate: options.forUpdate === true && deps.store.engine === 'postgres', lineItems: true });
  return row ? { ctx, row } : undefined;
}

function bound(b: DeliveryEstimateBound): string {
  const unit = b.unit === 'business_day' ? 'business day' : b.unit;
  return `${b.value} ${unit}${b.value === 1 ? '' : 's'}`;
}

/** `3–5 business days`, `Up to 2 weeks`, `At least 1 day`, or null. */
export function deliveryEstimateText(rate: Pick<ShippingRate, 'delivery_estimate'>): string | null {
  const e = rate.delivery_estimate;
  if (!e) return null;
  const { minimum: min, maximum: max } = e;
  if (min && max) {
    if (min.unit === max.unit) {
      return min.value === max.value ? bound(max) : `${min.value}–${bound(max)}`;
    }
    return `${bound(min)} to ${bound(max)}`;
  }
  if (max) return `Up to ${bound(max)}`;
  if (min) return `At least ${bound(min)}`;
  return null;
}

/** What the payment page shows of a session (see PageSession). */
export async function pageSession(found: FoundSession): Promise<PageSession> {
  const { ctx, row } = found;
  const s = row.session;
  const options: PageShippingOption[] = [];
  for (const option of s.shipping_options) {
    const rate = await loadShippingRate(ctx, option.shipping_rate).catch(() => undefined);
    const totals = computeTotals(row.lineItems, shippingCostOf(option));
    options.push({
      shippingRate: option.shipping_rate,
      displayName: rate?.display_name ?? 'Shipping',
      deliveryEstimate: rate ? deliveryEstimateText(rate) : null,
      amount: option.shipping_amount,
      tax: totals.total_details.amount_tax,
      total: totals.amount_total,
    });
  }
  // The email the merchant fixed (customer_email, else the customer's): shown read-only, and the one used.
  const email = await merchantFixedEmail(ctx, s);
  return {
    id: s.id,
    livemode: s.livemode,
    currency: s.currency,
    lines: row.lineItems.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      unitAmount: l.price.unit_amount ?? null,
      amountTotal: l.amount_total,
    })),
    amountSubtotal: s.amount_subtotal,
    amountDiscount: s.total_details.amount_discount,
    amountShipping: s.total_details.amount_shipping,
    amountTax: s.total_details.amount_tax,
    amountTotal: s.amount_total,
    shippingOptions: options,
    selectedShippingRate: s.shipping_cost?.shipping_rate ?? s.shipping_options[0]?.shipping_rate ?? null,
    email,
    emailLocked: email !== null,
    phoneNumberCollection: s.phone_number_collection,
    billingAddressCollection: s.billing_address_collection,
    allowedCountries: s.shipping_address_collection?.allowed_countries ?? null,
    cancelUrl: s.cancel_url,
    expiresAt: s.expires_at,
    paymentRequired: s.payment_intent !== null,
  };
}
