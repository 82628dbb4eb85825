import type { ListEnvelope } from '../../http/list.js';
import type { Metadata } from '../../lib/metadata.js';
import type { Charge } from '../charges/charge.js';
import type { PaymentIntentStatus } from './state-machine.js';

export const PAYMENT_INTENTS_TABLE = 'payment_intents';

export interface LastPaymentError {
  type: 'payment_error';
  code: string;
  decline_code: string | null;
  message: string;
  charge: string | null;
  payment_method: string | null;
}

export interface RedirectNextAction {
  type: 'redirect_to_url';
  redirect_to_url: { url: string; return_url: string | null };
}

/** A PIX intent's QR code (the PIX guide): its BR Code text and when it stops being payable. */
export interface PixNextAction {
  type: 'pix_display_qr_code';
  pix_display_qr_code: { data: string; expires_at: number };
}

/** The redirect a next action asks for (3-D Secure), if it is one. */
export function redirectOf(next: RedirectNextAction | PixNextAction | null | undefined): RedirectNextAction | undefined {
  return next?.type === 'redirect_to_url' ? next : undefined;
}

/** The PaymentIntent as stored; `charges` is added when presented (it always reflects the charges table). */
export interface StoredPaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  /** A platform fee taken from the payment (set by the creator, e.g. a Checkout Session's payment_intent_data); shown, not collected. */
  application_fee_amount: number | null;
  canceled_at: number | null;
  cancellation_reason: string | null;
  /** `automatic_async` ([B]) captures like `automatic`: at once, when the payment is authorized. */
  capture_method: 'automatic' | 'automatic_async' | 'manual';
  client_secret: string;
  confirmation_method: 'automatic' | 'manual';
  created: number;
  currency: string;
  customer: string | null;
  description: string | null;
  last_payment_error: LastPaymentError | null;
  latest_charge: string | null;
  livemode: boolean;
  merchant_id: string;
  metadata: Metadata;
  next_action: RedirectNextAction | PixNextAction | null;
  payment_method: string | null;
  payment_method_types: string[];
  /** The PSP the intent is routed to: `starkbank` for PIX, `stripe` for cards (fluveo-api.md §3.3). */
  psp_provider: 'stripe' | 'starkbank';
  receipt_email: string | null;
  setup_future_usage: 'on_session' | 'off_session' | null;
  statement_descriptor: string | null;
  statement_descriptor_suffix: string | null;
  status: PaymentIntentStatus;
}

export interface PaymentIntent extends StoredPaymentIntent {
  charges: ListEnvelope<Charge>;
}

/** Columns kept beside the object: filters and values never shown in the API. */
export interface PaymentIntentRow {
  intent: StoredPaymentIntent;
  checkoutSession: string | null;
  authenticatedPaymentMethod: string | null;
}
