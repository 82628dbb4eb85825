import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AUTHENTICATION_PATH, findChallenge, type Challenge } from '../domain/authentication/challenge.js';
import { merchantNow, type Deps, type Merchant, type OpContext } from '../domain/context.js';
import { completePaymentIntentAuthentication } from '../domain/payment-intents/complete-authentication.js';
import type { PaymentIntent } from '../domain/payment-intents/payment-intent.js';
import { loadPaymentIntent, presentPaymentIntent } from '../domain/payment-intents/payment-intent-store.js';
import { loadPaymentMethod } from '../domain/payment-methods/retrieve-payment-method.js';
import { completeSetupIntentAuthentication } from '../domain/setup-intents/complete-setup-authentication.js';
import { loadSetupIntent, type SetupIntent } from '../domain/setup-intents/setup-intent.js';
import type { Db } from '../db/store.js';
import type { Runtime } from '../http/runtime.js';
import { AppError } from '../lib/errors.js';
import { formatAmount } from './format.js';
import { sendPageError } from './render.js';
import { html, type SafeHtml } from './html.js';
import { redirectOf } from '../domain/payment-intents/payment-intent.js';

/**
 * The test processor's 3-D Secure page. Confirming with a card that asks for authentication gives the intent a
 * `next_action.redirect_to_url.url` pointing here; the customer (or a test) opens it and presses "Complete
 * authentication" or "Fail authentication", which finishes the intent and redirects to the confirmation's
 * `return_url` (with `payment_intent`, `payment_intent_client_secret` and `redirect_status` added, as Stripe.js
 * integrations expect), or shows the result when there is none.
 *
 * The page sits outside /v1 and takes no API key: the unguessable token in its URL is the credential, and only
 * the intent it was opened for can be finished with it, once.
 */

type Answer = 'complete' | 'fail';

const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  // Inline styles only; no scripts, no remote resources. Form submissions may redirect to the merchant's return_url.
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'",
} as const;

interface ChallengeView {
  ctx: OpContext;
  challenge: Challenge;
  current: boolean;
  intent: PaymentIntent | SetupIntent;
  returnUrl: string | null;
}

async function contextFor(deps: Deps, db: Db, challenge: Challenge): Promise<OpContext | undefined> {
  const merchant = (await db.selectFrom('merchants').selectAll().where('id', '=', challenge.merchantId).executeTakeFirst()) as Merchant | undefined;
  if (!merchant) return undefined;
  return {
    deps,
    db,
    actor: {
      merchant,
      scope: { merchantId: merchant.id, livemode: challenge.livemode },
      apiVersion: merchant.default_api_version,
      now: merchantNow(deps.clock, merchant, challenge.livemode),
    },
  };
}

function isCurrent(intent: PaymentIntent | SetupIntent, token: string): boolean {
  return intent.status === 'requires_action' && (redirectOf(intent.next_action)?.redirect_to_url.url.endsWith(`${AUTHENTICATION_PATH}/${token}`) ?? false);
}

async function view(deps: Deps, token: string): Promise<ChallengeView | undefined> {
  const challenge = await findChallenge(deps.store.db, token);
  if (!challenge) return undefined;
  const ctx = await contextFor(deps, deps.store.db, challenge);
  if (!ctx) return undefined;
  const intent =
    challenge.intentType === 'payment_intent'
      ? await presentPaymentIntent(ctx, (await loadPaymentIntent(ctx, challenge.intentId)).intent)
      : await loadSetupIntent(ctx, challenge.intentId);
  return { ctx, challenge, current: isCurrent(intent, token), intent, returnUrl: redirectOf(intent.next_action)?.redirect_to_url.return_url ?? null };
}

/** The return URL with the intent's id, client secret and outcome appended (existing query kept). */
export function returnLocation(returnUrl: string, intent: PaymentIntent | SetupIntent): string {
  const url = new URL(returnUrl);
  const prefix = intent.object === 'payment_intent' ? 'payment_intent' : 'setup_intent';
  url.searchParams.set(prefix, intent.id);
  url.searchParams.set(`${prefix}_client_secret`, intent.client_secret);
  url.searchParams.set('redirect_status', redirectStatus(intent));
  return url.toString();
}

function redirectStatus(intent: PaymentIntent | SetupIntent): 'succeeded' | 'processing' | 'failed' {
  if (intent.status === 'succeeded' || intent.status === 'requires_capture' || intent.status === 'requires_confirmation') return 'succeeded';
  if (intent.status === 'processing') return 'processing';
  return 'failed';
}

/** `choosing`: the page shows the two outcome buttons (its test-mode note then asks for a choice). */
function page(title: string, body: SafeHtml, livemode: boolean, choosing = false): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f5f7;color:#1a1f36;margin:0;padding:2rem 1rem}
main{max-width:26rem;margin:0 auto;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.08);padding:2rem}
h1{font-size:1.25rem;margin:0 0 1rem}.note{background:#fff4e5;border-radius:6px;padding:.5rem .75rem;font-size:.875rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:1.25rem 0}dt{color:#697386}dd{margin:0}
.actions{display:flex;flex-direction:column;gap:.75rem;margin-top:1.5rem}
button,a.button{font:inherit;font-weight:600;border-radius:6px;padding:.75rem 1rem;border:1px solid #cdd1d9;cursor:pointer;text-align:center;text-decoration:none}
button.complete{background:#2e6be6;color:#fff;border-color:#2e6be6}button.fail{background:#fff;color:#b3261e}a.button{color:#1a1f36}
</style>
</head>
<body>
<main>
${livemode ? '' : html`<p class="note"><strong>Test mode</strong> — a simulated 3-D Secure check.${choosing ? ' Choose the outcome.' : ''}</p>`}
${body}
</main>
</body>
</html>
`.toString();
}

function send(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(body);
}

function notFoundPage(reply: FastifyReply): FastifyReply {
  return send(
    reply,
    404,
    page('Authentication not found', html`<h1>Authentication not found</h1><p>This authentication link is not valid.</p>`, false),
  );
}

async function describe(v: ChallengeView): Promise<SafeHtml> {
  const pmId = v.intent.payment_method;
  let card = '';
  if (pmId) {
    const loaded = await loadPaymentMethod(v.ctx, pmId).catch(() => undefined);
    if (loaded) card = `${loaded.paymentMethod.card.brand.toUpperCase()} •••• ${loaded.paymentMethod.card.last4}`;
  }
  const merchant = v.ctx.actor.merchant.name;
  const what =
    v.intent.object === 'payment_intent'
      ? html`<dt>Amount</dt><dd>${formatAmount(v.intent.amount, v.intent.currency)}</dd>`
      : html`<dt>Purpose</dt><dd>Save the card for later payments</dd>`;
  return html`<dl><dt>Merchant</dt><dd>${merchant}</dd>${what}${card ? html`<dt>Card</dt><dd>${card}</dd>` : ''}</dl>`;
}

function finishedPage(v: { intent: PaymentIntent | SetupIntent; returnUrl: string | null; livemode: boolean }, heading: string): string {
  const ok = redirectStatus(v.intent) !== 'failed';
  const link = v.returnUrl ? html`<div class="actions"><a class="button" href="${returnLocation(v.returnUrl, v.intent)}">Return to the merchant</a></div>` : '';
  return page(
    heading,
    html`<h1>${heading}</h1><p>${ok ? 'The authentication was completed.' : 'The authentication failed; the payment was not made.'} You can close this window.</p>${link}`,
    v.livemode,
  );
}

/**
 * The page of a link that is no longer the intent's current challenge: answered already, replaced by a newer
 * confirmation's, or retired by a cancel. It says which, from the intent's state.
 */
function retiredPage(v: { intent: PaymentIntent | SetupIntent; returnUrl: string | null; livemode: boolean }): string {
  const what = v.intent.object === 'payment_intent' ? 'payment' : 'card setup';
  if (v.intent.status === 'requires_action') {
    const heading = 'Authentication link replaced';
    return page(heading, html`<h1>${heading}</h1><p>A newer authentication was requested for this ${what}; this link no longer works. You can close this window.</p>`, v.livemode);
  }
  if (v.intent.status === 'canceled') {
    const heading = 'Authentication no longer needed';
    return page(heading, html`<h1>${heading}</h1><p>The ${what} was canceled; this link no longer works. You can close this window.</p>`, v.livemode);
  }
  return finishedPage(v, 'Authentication already answered');
}

export function registerAuthenticationPages(app: FastifyInstance, runtime: Runtime): void {
  const { deps } = runtime;
  const path = `${AUTHENTICATION_PATH}/:token`;
  // Its own scope, so that a refused request (a body of another media type, unreadable, too large) answers a page
  // like the rest of the checkout pages, not the API's JSON.
  void app.register((pages, _options, done) => {
    pages.setErrorHandler((err: FastifyError | AppError, request, reply) => sendPageError(err, request, reply));

    pages.get(path, { schema: { hide: true } }, async (request, reply) => {
      const { token } = request.params as { token: string };
      const v = await view(deps, token);
      if (!v) return notFoundPage(reply);
      const livemode = v.challenge.livemode;
      if (!v.current) return send(reply, 200, retiredPage({ intent: v.intent, returnUrl: v.returnUrl, livemode }));
      const title = 'Confirm it is you';
      return send(
        reply,
        200,
        page(
          title,
          html`<h1>${title}</h1>
<p>Your bank asks you to confirm this ${v.intent.object === 'payment_intent' ? 'payment' : 'card'}.</p>
${await describe(v)}
<form method="post">
<div class="actions">
<button class="complete" type="submit" name="result" value="complete">Complete authentication</button>
<button class="fail" type="submit" name="result" value="fail">Fail authentication</button>
</div>
</form>`,
          livemode,
          true,
        ),
      );
    });

    pages.post(path, { schema: { hide: true } }, async (request, reply) => {
      const { token } = request.params as { token: string };
      const body = (request.body ?? {}) as Record<string, unknown>;
      const answer: Answer | undefined = body.result === 'complete' || body.result === 'fail' ? body.result : undefined;
      if (!answer) {
        return send(reply, 400, page('Choose an outcome', html`<h1>Choose an outcome</h1><p>Go back and press one of the two buttons.</p>`, false));
      }
      const challenge = await findChallenge(deps.store.db, token);
      if (!challenge) return notFoundPage(reply);
      const outcome = await deps.store.withTransaction(async (tx) => {
        const ctx = await contextFor(deps, tx, challenge);
        if (!ctx) return undefined;
        return challenge.intentType === 'payment_intent'
          ? completePaymentIntentAuthentication(ctx, challenge.intentId, token, answer)
          : completeSetupIntentAuthentication(ctx, challenge.intentId, token, answer);
      });
      if (!outcome) return notFoundPage(reply);
      if (outcome.applied && outcome.returnUrl) {
        return reply.code(303).headers(PAGE_HEADERS).header('Location', returnLocation(outcome.returnUrl, outcome.intent)).send();
      }
      const shown = { intent: outcome.intent, returnUrl: outcome.returnUrl, livemode: challenge.livemode };
      if (!outcome.applied) return send(reply, 200, retiredPage(shown));
      return send(reply, 200, finishedPage(shown, redirectStatus(outcome.intent) === 'failed' ? 'Authentication failed' : 'Authentication complete'));
    });
    done();
  });
}
