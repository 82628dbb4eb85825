import { AppError } from '../../lib/errors.js';
import { newId, randomBase62 } from '../../lib/ids.js';
import type { Charge } from '../charges/charge.js';
import { APPROVED_OUTCOME, insertCharge } from '../charges/record-charge.js';
import { merchantActor, type Actor, type Deps, type Merchant, type OpContext } from '../context.js';
import { announcePayment } from './announce-payment.js';
import { PAYMENT_INTENTS_TABLE, type PaymentIntent, type StoredPaymentIntent } from './payment-intent.js';
import { loadPaymentIntent, presentPaymentIntent, savePaymentIntent } from './payment-intent-store.js';
import { nextStatus } from './state-machine.js';

/**
 * The test-mode actor a PIX settlement acts as: the merchant and mode of the intent `id`, found by id alone (the
 * PSP's webhook carries no API key). Undefined for an unknown id or a live-mode intent.
 */
export async function pixIntentActor(deps: Deps, id: string): Promise<Actor | undefined> {
  if (!/^pi_[A-Za-z0-9]{1,100}$/.test(id)) return undefined;
  const row = (await deps.store.db
    .selectFrom(`${PAYMENT_INTENTS_TABLE} as p`)
    .innerJoin('merchants as m', 'm.id', 'p.merchant_id')
    .select(['p.livemode', 'm.id', 'm.name', 'm.default_api_version', 'm.test_clock_offset_s', 'm.created'])
    .where('p.id', '=', id)
    .executeTakeFirst()) as (Merchant & { livemode: number | boolean }) | undefined;
  if (!row || row.livemode === 1 || row.livemode === true) return undefined;
  return merchantActor(deps.clock, row, false);
}

/**
 * The PSP reports that the customer paid a PIX intent's QR code (the Fluveo PIX guide: the StarkBank webhook
 * "transitions the PaymentIntent to succeeded"). The intent moves from `requires_action` to `succeeded` with
 * `amount_received`, a succeeded PIX Charge is recorded, events `charge.succeeded` and `payment_intent.succeeded`.
 * A repeated report for an intent already settled changes nothing (`duplicate`). A card intent, or an intent that is
 * no longer waiting for its transfer (canceled), is refused with 400.
 */
export async function settlePixPayment(ctx: OpContext, id: string): Promise<{ intent: PaymentIntent; duplicate: boolean }> {
  const row = await loadPaymentIntent(ctx, id, { forUpdate: true, param: 'payment_intent' });
  const intent = row.intent;
  if (intent.psp_provider !== 'starkbank') {
    throw new AppError('parameter_invalid', `PaymentIntent ${id} is not a PIX payment.`, { param: 'payment_intent' });
  }
  if (intent.status === 'succeeded') return { intent: await presentPaymentIntent(ctx, intent), duplicate: true };
  const status = nextStatus(intent.status, 'pix_paid');
  const charge: Charge = {
    id: newId('ch'),
    object: 'charge',
    amount: intent.amount,
    amount_captured: intent.amount,
    amount_refunded: 0,
    balance_transaction: null,
    billing_details: { address: null, email: null, name: null, phone: null },
    captured: true,
    created: ctx.actor.now,
    currency: intent.currency,
    customer: intent.customer,
    description: intent.description,
    disputed: false,
    failure_code: null,
    failure_message: null,
    livemode: ctx.actor.scope.livemode,
    metadata: {},
    outcome: { ...APPROVED_OUTCOME },
    paid: true,
    payment_intent: intent.id,
    payment_method: null,
    payment_method_details: { type: 'pix', pix: { bank_transaction_id: `E${randomBase62(31)}` } },
    receipt_email: intent.receipt_email,
    receipt_url: null,
    refunded: false,
    statement_descriptor: intent.statement_descriptor,
    status: 'succeeded',
  };
  await insertCharge(ctx, charge, `pix:${randomBase62(16)}`);
  const next: StoredPaymentIntent = {
    ...intent,
    status,
    amount_received: intent.amount,
    latest_charge: charge.id,
    next_action: null,
  };
  await savePaymentIntent(ctx, next);
  const presented = await announcePayment(ctx, {
    charge,
    chargeEvent: 'charge.succeeded',
    intent: next,
    intentEvent: 'payment_intent.succeeded',
    previousStatus: intent.status,
    checkoutSession: row.checkoutSession,
    source: 'processor',
  });
  return { intent: presented, duplicate: false };
}
