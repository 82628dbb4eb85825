import { insertObject } from '../../db/objects.js';
import { newId } from '../../lib/ids.js';
import { initialMetadata, type Metadata } from '../../lib/metadata.js';
import type { OpContext } from '../context.js';
import { toAddress, type AddressInput } from '../customers/customer.js';
import { recordEvent } from '../events/record-event.js';
import { validateRawCard } from '../processor/card-number.js';
import { processorFor, type CardFacts, type RawCard } from '../processor/processor.js';
import { cardFingerprint } from './card-fingerprint.js';
import { requireCustomer } from './customer-reference.js';
import { PAYMENT_METHODS_TABLE, type BillingDetails, type PaymentMethod, type UsablePaymentMethod } from './payment-method.js';

export interface BillingDetailsInput {
  address?: AddressInput | null | undefined;
  email?: string | null | undefined;
  name?: string | null | undefined;
  phone?: string | null | undefined;
}

export interface CreateCardPaymentMethodInput {
  card: RawCard;
  billing_details?: BillingDetailsInput | undefined;
  metadata?: Metadata | '' | undefined;
  /** Attach to this customer at once. */
  customer?: string | undefined;
}

export function toBillingDetails(input: BillingDetailsInput | undefined): BillingDetails {
  return {
    address: toAddress(input?.address ?? null),
    email: input?.email ?? null,
    name: input?.name ?? null,
    phone: input?.phone ?? null,
  };
}

export function buildPaymentMethod(
  ctx: OpContext,
  facts: CardFacts,
  fingerprint: string,
  options: { billing?: BillingDetails; metadata?: Metadata; customer?: string | null; cvcChecked?: boolean },
): PaymentMethod {
  return {
    id: newId('pm'),
    object: 'payment_method',
    billing_details: options.billing ?? toBillingDetails(undefined),
    card: {
      brand: facts.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: options.cvcChecked ? 'pass' : null },
      country: facts.country,
      exp_month: facts.exp_month,
      exp_year: facts.exp_year,
      fingerprint,
      funding: facts.funding,
      last4: facts.last4,
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: ctx.actor.now,
    customer: options.customer ?? null,
    livemode: ctx.actor.scope.livemode,
    metadata: options.metadata ?? {},
    type: 'card',
  };
}

export async function storePaymentMethod(ctx: OpContext, pm: PaymentMethod, token: string): Promise<void> {
  await insertObject(ctx.db, PAYMENT_METHODS_TABLE, ctx.actor.scope, pm, {
    customer: pm.customer,
    type: pm.type,
    processor_token: token,
    detached: 0,
  });
}

/**
 * Creates a card PaymentMethod from card details: validated, tokenized by the mode's processor, and stored with
 * brand, last4, expiry and fingerprint only. `param` prefixes error parameters (`card`, `payment_method_data[card]`).
 */
export async function createCardPaymentMethod(
  ctx: OpContext,
  input: CreateCardPaymentMethodInput,
  options: { param?: string } = {},
): Promise<UsablePaymentMethod> {
  const card = validateRawCard(input.card, ctx.actor.now, options.param ?? 'card');
  if (input.customer !== undefined) await requireCustomer(ctx, input.customer);
  const processor = processorFor(ctx.deps, ctx.actor.scope.livemode);
  const tokenized = await processor.tokenize(card);
  const fingerprint = await cardFingerprint(ctx, card.number);
  const pm = buildPaymentMethod(ctx, tokenized.card, fingerprint, {
    billing: toBillingDetails(input.billing_details),
    metadata: initialMetadata(input.metadata),
    customer: input.customer ?? null,
    cvcChecked: card.cvc !== undefined,
  });
  await storePaymentMethod(ctx, pm, tokenized.token);
  if (pm.customer) await recordEvent(ctx, 'payment_method.attached', pm);
  return { paymentMethod: pm, token: tokenized.token, isTestId: false };
}
