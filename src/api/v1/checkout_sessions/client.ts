import { z } from 'zod';
import { assertClientSecret, clientView } from '../../../domain/checkout-sessions/client-view.js';
import { completeCheckoutSession } from '../../../domain/checkout-sessions/complete-checkout-session.js';
import { loadSessionRow } from '../../../domain/checkout-sessions/session-store.js';
import { updateBuyerDetails } from '../../../domain/checkout-sessions/update-buyer-details.js';
import type { OpContext } from '../../../domain/context.js';
import { loadPaymentIntent } from '../../../domain/payment-intents/payment-intent-store.js';
import { zUrl } from '../../../http/catalog-params.js';
import { CommittedError, defineEndpoint } from '../../../http/endpoint.js';
import { zAddress, zEmail, zId, zText } from '../../../http/params.js';
import { paymentMethodDataInput } from '../payment_methods/schema.js';
import { clientViewSchema, sessionIdParams, sessionPaths } from './schema.js';
import { redirectOf } from '../../../domain/payment-intents/payment-intent.js';

/**
 * The client-side checkout API (decisions.md "Client-side checkout API"): called from the buyer's browser with a
 * publishable key (or a secret key) of the session's merchant and mode, and the session's `client_secret`. A
 * wrong secret answers exactly like an unknown session.
 */

const zClientSecret = () => zText(300, { min: 1 });

const buyerFields = {
  email: zEmail().optional(),
  name: zText(256).optional(),
  phone: zText(40).optional(),
  billing_address: zAddress().optional(),
  shipping_address: zAddress().optional(),
  shipping_rate: zId('shr').optional(),
};

export const clientViewQuery = z.strictObject({ client_secret: zClientSecret() });
export const clientUpdateBody = z.strictObject({ client_secret: zClientSecret(), ...buyerFields });
export const clientConfirmBody = z.strictObject({
  client_secret: zClientSecret(),
  ...buyerFields,
  payment_method: zId('pm').optional(),
  payment_method_data: paymentMethodDataInput.optional(),
  return_url: zUrl().optional(),
});
export type ClientConfirmRequest = z.input<typeof clientConfirmBody>;

async function authorizedRow(ctx: OpContext, id: string, clientSecret: string) {
  const row = await loadSessionRow(ctx, id, { lineItems: false });
  assertClientSecret(row.session, clientSecret);
}

export const retrieveClientViewEndpoint = defineEndpoint({
  method: 'GET',
  paths: sessionPaths('/:id/client'),
  summary: "A Checkout Session's public view, for the buyer's browser (embedded and custom ui_mode)",
  tags: ['Checkout Sessions (client-side)'],
  auth: 'client',
  params: sessionIdParams,
  query: clientViewQuery,
  response: clientViewSchema,
  handler: async ({ deps, actor, db, params, query }) => {
    const ctx = { deps, actor, db };
    const row = await loadSessionRow(ctx, params.id);
    assertClientSecret(row.session, query.client_secret);
    let nextAction = null;
    if (row.session.status === 'open' && row.session.payment_intent !== null) {
      const { intent } = await loadPaymentIntent(ctx, row.session.payment_intent);
      if (intent.status === 'requires_action') nextAction = redirectOf(intent.next_action) ?? null;
    }
    return clientView(ctx, row, nextAction);
  },
});

export const updateClientDetailsEndpoint = defineEndpoint({
  method: 'POST',
  paths: sessionPaths('/:id/client'),
  summary: "The buyer sets email, name, phone, addresses or the shipping option before paying",
  tags: ['Checkout Sessions (client-side)'],
  auth: 'client',
  idempotency: 'optional',
  params: sessionIdParams,
  body: clientUpdateBody,
  response: clientViewSchema,
  handler: async ({ deps, actor, db, params, body }) => {
    const ctx = { deps, actor, db };
    const { client_secret: secret, ...input } = body;
    await authorizedRow(ctx, params.id, secret);
    return clientView(ctx, await updateBuyerDetails(ctx, params.id, input));
  },
});

export const confirmClientSessionEndpoint = defineEndpoint({
  method: 'POST',
  paths: sessionPaths('/:id/client/confirm'),
  summary: 'The buyer pays: confirm the session with a payment method (402 on a decline; next_action for 3-D Secure)',
  tags: ['Checkout Sessions (client-side)'],
  auth: 'client',
  idempotency: 'optional',
  params: sessionIdParams,
  body: clientConfirmBody,
  response: clientViewSchema,
  handler: async ({ deps, actor, db, params, body }) => {
    const ctx = { deps, actor, db };
    const { client_secret: secret, ...input } = body;
    await authorizedRow(ctx, params.id, secret);
    const result = await completeCheckoutSession(ctx, params.id, input);
    // The endpoint layer commits and stores this answer.
    if (result.outcome === 'declined') throw new CommittedError(result.error);
    return clientView(ctx, result.row, result.outcome === 'requires_action' ? result.nextAction : null);
  },
});
