import { AppError } from '../../lib/errors.js';
import { newId, randomBase62 } from '../../lib/ids.js';
import { initialMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { toAddress, type AddressInput } from '../customers/customer.js';
import { requireCustomer } from '../payment-methods/customer-reference.js';
import { createPaymentIntent } from '../payment-intents/create-payment-intent.js';
import { buildLineItems, type LineItemInput } from './build-line-items.js';
import { isCountryCode } from '../../lib/countries.js';
import {
  hostedSessionUrl,
  SESSION_DEFAULT_TTL_S,
  SESSION_MAX_TTL_S,
  SESSION_MIN_TTL_GRACE_S,
  SESSION_MIN_TTL_S,
  type CheckoutSession,
  type SessionMode,
  type UiMode,
} from './session.js';
import { insertSession } from './session-store.js';
import { resolveShippingOptions, shippingCostOf, type ShippingOptionInput } from './shipping-options.js';
import { checkPayableTotal, computeTotals } from './totals.js';

export interface PaymentIntentDataInput {
  capture_method?: 'automatic' | 'automatic_async' | 'manual' | undefined;
  description?: string | undefined;
  statement_descriptor?: string | undefined;
  metadata?: Metadata | '' | undefined;
  application_fee_amount?: number | undefined;
}

export interface CreateCheckoutSessionInput {
  mode?: SessionMode | undefined;
  ui_mode?: UiMode | undefined;
  line_items: LineItemInput[];
  success_url?: string | undefined;
  cancel_url?: string | undefined;
  customer?: string | undefined;
  customer_email?: string | undefined;
  customer_creation?: 'always' | 'if_required' | undefined;
  billing_address_collection?: 'auto' | 'required' | undefined;
  shipping_address_collection?: { allowed_countries: string[] } | undefined;
  shipping_options?: ShippingOptionInput[] | undefined;
  phone_number_collection?: boolean | undefined;
  client_reference_id?: string | undefined;
  payment_intent_data?: PaymentIntentDataInput | undefined;
  currency?: string | undefined;
  expires_at?: number | undefined;
  metadata?: Metadata | '' | undefined;
}

export interface CreateCheckoutSessionOptions {
  /** The checkout link minting this session, and the archived inline prices it may sell. */
  checkoutLink?: { id: string; ownPrices: ReadonlySet<string> } | undefined;
}

/**
 * Creates an open Checkout Session and, in the same transaction, its PaymentIntent (amount = `amount_total`,
 * `payment_intent_data` applied; the intent knows its session, so only expiring the session cancels it); sessions
 * stored by earlier versions with a zero total have none (`no_payment_required`). The first shipping option
 * is preselected and counted in the totals. Every rule is checked before anything is written; a failure rolls the
 * whole transaction back (inline prices and shipping rates included).
 */
export async function createCheckoutSession(
  ctx: OpContext,
  input: CreateCheckoutSessionInput,
  options: CreateCheckoutSessionOptions = {},
): Promise<CheckoutSession> {
  const now = ctx.actor.now;
  const mode = input.mode ?? 'payment';
  const uiMode = input.ui_mode ?? 'hosted';
  if (uiMode === 'hosted' && input.success_url === undefined) {
    throw new AppError('parameter_missing', 'Missing required param: success_url (required when ui_mode is hosted).', { param: 'success_url' });
  }
  let expiresAt = now + SESSION_DEFAULT_TTL_S;
  if (input.expires_at !== undefined) {
    if (input.expires_at < now + SESSION_MIN_TTL_S - SESSION_MIN_TTL_GRACE_S || input.expires_at > now + SESSION_MAX_TTL_S) {
      throw new AppError(
        'parameter_invalid',
        `Invalid expires_at: must be between 30 minutes and 24 hours from now (${now + SESSION_MIN_TTL_S} to ${now + SESSION_MAX_TTL_S}).`,
        { param: 'expires_at' },
      );
    }
    expiresAt = input.expires_at;
  }
  if (input.customer !== undefined && input.customer_email !== undefined) {
    throw new AppError('parameter_invalid', 'Pass either customer or customer_email, not both (the customer has its own email).', {
      param: 'customer_email',
    });
  }
  const allowedCountries = input.shipping_address_collection?.allowed_countries;
  if (allowedCountries) {
    if (allowedCountries.length === 0) {
      throw new AppError('parameter_missing', 'Missing required param: shipping_address_collection[allowed_countries] (at least one country).', {
        param: 'shipping_address_collection[allowed_countries]',
      });
    }
    for (const [i, code] of allowedCountries.entries()) {
      if (!isCountryCode(code)) {
        throw new AppError('parameter_invalid', `Invalid country '${code}': must be an ISO 3166-1 alpha-2 code such as US or FR.`, {
          param: `shipping_address_collection[allowed_countries][${i}]`,
        });
      }
    }
  }
  const customer = input.customer !== undefined ? (await requireCustomer(ctx, input.customer, 'customer')).id : null;

  const { items, currency } = await buildLineItems(ctx, input.line_items, {
    currency: input.currency,
    ownPrices: options.checkoutLink?.ownPrices,
  });
  const shippingOptions = await resolveShippingOptions(ctx, input.shipping_options ?? [], currency);
  const shippingCost = shippingCostOf(shippingOptions[0]);
  const totals = computeTotals(items, shippingCost);
  checkPayableTotal(totals.amount_total, currency, ctx.actor.scope.livemode, 'line_items');
  const pid = input.payment_intent_data;
  if (pid?.application_fee_amount !== undefined && pid.application_fee_amount > totals.amount_total) {
    throw new AppError('parameter_invalid', 'payment_intent_data[application_fee_amount] cannot exceed the session total.', {
      param: 'payment_intent_data[application_fee_amount]',
    });
  }

  const id = newId('cs');
  // Every line item's amount is positive (buildLineItems), so every new session has something to pay.
  const paymentIntent = await createPaymentIntent(
    ctx,
    {
      amount: totals.amount_total,
      currency,
      customer: customer ?? undefined,
      capture_method: pid?.capture_method ?? 'automatic',
      description: pid?.description,
      statement_descriptor: pid?.statement_descriptor,
      application_fee_amount: pid?.application_fee_amount,
      metadata: pid?.metadata,
    },
    { checkoutSession: id },
  );

  const session: CheckoutSession = {
    id,
    object: 'checkout.session',
    amount_subtotal: totals.amount_subtotal,
    amount_total: totals.amount_total,
    billing_address_collection: input.billing_address_collection ?? 'auto',
    cancel_url: input.cancel_url ?? null,
    checkout_link: options.checkoutLink?.id ?? null,
    client_reference_id: input.client_reference_id ?? null,
    client_secret: uiMode === 'hosted' ? null : `${id}_secret_${randomBase62(32)}`,
    created: now,
    currency,
    customer,
    customer_creation: input.customer_creation ?? 'if_required',
    customer_details: null,
    customer_email: input.customer_email ?? null,
    expires_at: expiresAt,
    livemode: ctx.actor.scope.livemode,
    metadata: initialMetadata(input.metadata),
    mode,
    payment_intent: paymentIntent.id,
    payment_status: 'unpaid',
    phone_number_collection: input.phone_number_collection ?? false,
    shipping_address_collection: allowedCountries ? { allowed_countries: [...new Set(allowedCountries)] } : null,
    shipping_cost: shippingCost,
    shipping_details: null,
    shipping_options: shippingOptions,
    status: 'open',
    success_url: input.success_url ?? null,
    total_details: totals.total_details,
    ui_mode: uiMode,
    url: uiMode === 'hosted' ? hostedSessionUrl(ctx.deps.config.publicUrl, id) : null,
  };
  await insertSession(ctx, session, items);
  return session;
}

/** `shipping_details` as given by an update or a buyer: a name and an address. */
export function toShippingDetails(input: { name?: string | null | undefined; address?: AddressInput | null | undefined }) {
  return { name: input.name ?? null, address: toAddress(input.address ?? null) };
}
