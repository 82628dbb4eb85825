import type { FastifyInstance } from 'fastify';
import { pixIntentActor, settlePixPayment } from '../../domain/payment-intents/settle-pix-payment.js';
import { rateLimitError } from '../../http/rate-limit.js';
import { takeIpAllowance, type Runtime } from '../../http/runtime.js';
import { AppError } from '../../lib/errors.js';

export const PIX_TEST_WEBHOOK_PATH = '/internal/webhooks/starkbank-payments-test';
export const PIX_LIVE_WEBHOOK_PATH = '/internal/webhooks/starkbank-payments-live';

/** Log or status words with which a PSP reports a transfer that did not happen. */
const NOT_PAID = new Set(['failed', 'canceled', 'cancelled', 'expired', 'denied', 'reversed', 'refunded', 'voided']);

/**
 * What a PSP's event says: the PaymentIntents it names (an intent's id anywhere in it, alone or as a tag
 * `pi_<id>`, the way the PIX adapter tags each BR Code) and whether it reports a failure (a `type` or `status` of
 * failed, canceled, expired…). The shape is the PSP's, so it is searched rather than parsed.
 */
export function readPixEvent(body: unknown): { intents: string[]; failed: boolean } {
  const intents = new Set<string>();
  let failed = false;
  const visit = (value: unknown, key: string | null, depth: number) => {
    if (depth > 20) return;
    if (typeof value === 'string') {
      // A value given as the intent itself is taken whole, however short (an unknown one is then a 404).
      if (key === 'payment_intent' && /^pi_[A-Za-z0-9]{1,100}$/.test(value)) intents.add(value);
      for (const m of value.matchAll(/(?:^|[^A-Za-z0-9_])(?:pi_)?(pi_[A-Za-z0-9]{8,100})(?![A-Za-z0-9])/g)) if (m[1]) intents.add(m[1]);
      if ((key === 'type' || key === 'status') && NOT_PAID.has(value.toLowerCase())) failed = true;
    } else if (Array.isArray(value)) {
      for (const v of value.slice(0, 1000)) visit(v, key, depth + 1);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 1000)) visit(v, k, depth + 1);
    }
  };
  visit(body, null, 0);
  return { intents: [...intents], failed };
}

/**
 * The PIX PSP's webhook (the Fluveo PIX guide): StarkBank reports a paid BR Code and the PaymentIntent it was minted
 * for moves to `succeeded`. Railyard has no PSP behind PIX, so in test mode this path is how a test, or a person
 * playing the bank, pays a PIX intent: POST any JSON naming the intent (`{"payment_intent": "pi_…"}`, or StarkBank's
 * event with the intent in its tags). No API key: the intent's id is the secret, and only test-mode intents settle.
 * Answers 200 `{received, payment_intent, status, duplicate}`; a repeated report is a no-op. The live path
 * answers 400 `live_processor_unconfigured`: no PIX provider is configured to sign its reports.
 */
export function registerPixWebhookRoutes(app: FastifyInstance, runtime: Runtime): void {
  const { deps } = runtime;
  app.post(PIX_TEST_WEBHOOK_PATH, { schema: { hide: true } }, async (request, reply) => {
    const d = takeIpAllowance(runtime, request, reply);
    if (d && !d.allowed) throw rateLimitError(d);
    const event = readPixEvent(request.body);
    if (event.intents.length === 0) {
      throw new AppError('parameter_missing', 'The event names no PaymentIntent: pass payment_intent (a pi_ id), or tag the payment with it.', {
        param: 'payment_intent',
      });
    }
    for (const id of event.intents) {
      const actor = await pixIntentActor(deps, id);
      if (!actor) continue;
      if (event.failed) {
        // The customer's transfer did not happen: the intent keeps waiting for its QR code to be paid.
        return { received: true, payment_intent: id, status: 'requires_action', duplicate: false };
      }
      const { intent, duplicate } = await deps.store.withTransaction((db) => settlePixPayment({ deps, actor, db }, id));
      return { received: true, payment_intent: intent.id, status: intent.status, duplicate };
    }
    throw new AppError('resource_missing', `No such test-mode payment_intent: '${event.intents[0] ?? ''}'`, { param: 'payment_intent' });
  });
  app.post(PIX_LIVE_WEBHOOK_PATH, { schema: { hide: true } }, () => {
    throw new AppError('live_processor_unconfigured', 'No live PIX provider is configured, so no live PIX report can be verified or accepted.');
  });
}
