import { AppError } from '../../lib/errors.js';
import type { PixNextAction } from './payment-intent.js';

/** How long a PIX QR code can be paid, in seconds. */
export const PIX_QR_CODE_TTL_S = 3600;

/**
 * PIX routing (fluveo-api.md §3.3, the PIX guide): an intent in `brl` whose `payment_method_types` include `pix` is
 * a PIX payment, routed to the PIX PSP (`psp_provider: "starkbank"`); every other intent is a card payment
 * (`"stripe"`). PIX is one-time and BRL only: anything else is 422 `unsupported_psp_capability`.
 */
export function pspFor(types: readonly string[], currency: string): 'stripe' | 'starkbank' {
  if (!types.includes('pix')) return 'stripe';
  if (currency !== 'brl') {
    throw new AppError('unsupported_psp_capability', `PIX payments are in brl only; this PaymentIntent is in ${currency}.`, {
      param: 'payment_method_types',
    });
  }
  return 'starkbank';
}

/** The checks a PIX intent's creation adds: the customer pays from a bank app, so there is nothing to confirm. */
export function checkPixCreation(
  input: {
    payment_method?: string | undefined;
    payment_method_data?: unknown;
    capture_method?: string | undefined;
    setup_future_usage?: string | undefined;
  },
  confirming: boolean,
): void {
  if (confirming) {
    throw new AppError('parameter_invalid', 'A PIX PaymentIntent is not confirmed: it waits for the customer to pay its QR code.', { param: 'confirm' });
  }
  if (input.payment_method !== undefined || input.payment_method_data !== undefined) {
    throw new AppError('parameter_invalid', 'A PIX PaymentIntent takes no payment method: the customer pays by scanning its QR code.', {
      param: input.payment_method !== undefined ? 'payment_method' : 'payment_method_data',
    });
  }
  if (input.capture_method === 'manual') {
    throw new AppError('unsupported_psp_capability', 'PIX payments are captured at once; capture_method: manual is not available.', {
      param: 'capture_method',
    });
  }
  if (input.setup_future_usage !== undefined) {
    throw new AppError('unsupported_psp_capability', 'PIX is a one-time payment method; it cannot be set up for future use.', {
      param: 'setup_future_usage',
    });
  }
}

/**
 * A PIX intent is paid by the customer's bank transfer to its QR code: it cannot be confirmed, take a payment method,
 * or change its amount, currency, customer or capture (400 `payment_intent_unexpected_state`). Cancel it instead.
 */
export function notForPix(id: string, param: string | null): AppError {
  return new AppError(
    'payment_intent_unexpected_state',
    `PaymentIntent ${id} is a PIX payment waiting for the customer to pay its QR code: it cannot be confirmed or given other payment details. Cancel it to stop it.`,
    { param },
  );
}

/** The QR code a PIX intent shows from its creation: a BR Code for the amount, tagged with the intent's id. */
export function pixNextAction(intentId: string, amount: number, merchantName: string, now: number): PixNextAction {
  return { type: 'pix_display_qr_code', pix_display_qr_code: { data: brCode(intentId, amount, merchantName), expires_at: now + PIX_QR_CODE_TTL_S } };
}

/** An EMV "BR Code" payload (the text a PIX QR code holds): tag, length, value fields and a CRC16 checksum. */
export function brCode(intentId: string, amount: number, merchantName: string): string {
  const field = (tag: string, value: string) => `${tag}${String(value.length).padStart(2, '0')}${value}`;
  const name = merchantName.normalize('NFD').replace(/[^A-Za-z0-9 ]/g, '').replace(/ +/g, ' ').trim().slice(0, 25) || 'MERCHANT';
  const payload =
    field('00', '01') +
    field('26', field('00', 'br.gov.bcb.pix') + field('01', intentId)) +
    field('52', '0000') +
    field('53', '986') +
    field('54', (amount / 100).toFixed(2)) +
    field('58', 'BR') +
    field('59', name) +
    field('60', 'SAO PAULO') +
    field('62', field('05', intentId.slice(0, 25))) +
    '6304';
  return payload + crc16(payload);
}

/** CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF), as BR Codes use, in four upper-case hex digits. */
function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
