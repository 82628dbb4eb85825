import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { successRedirectUrl, type CheckoutSession } from '../domain/checkout-sessions/session.js';
import { CHECKOUT_LINKS_TABLE, type CheckoutLink } from '../domain/checkout-links/checkout-link.js';
import { findObject } from '../db/objects.js';
import { PAYMENT_INTENTS_TABLE, type StoredPaymentIntent } from '../domain/payment-intents/payment-intent.js';
import { customerDeclineMessage } from '../domain/processor/processor.js';
import type { Runtime } from '../http/runtime.js';
import { AppError } from '../lib/errors.js';
import { ASSET_PREFIX, EMBED_SCRIPT, PAGE_ASSETS, type Asset } from './assets.js';
import { initialFormValues, parseCheckoutForm, readFormValues } from './checkout-form.js';
import { findSession, pageSession, type FoundSession } from './load-session.js';
import { addressValues, type FormValues, type PageErrors } from './page-model.js';
import { attemptPayment, type PayOutcome } from './pay.js';
import { sendPageError, sendPaymentPage, sendStatusPage, type EmbeddedContext } from './render.js';
import { httpOrigin, originAllowed, secretsEqual, verifyFormToken, type PagePolicy, type Surface } from './security.js';
import { completePage, expiredPage, notFoundPage, type SessionFacts } from './views/status-page.js';

/**
 * The pages a buyer pays on:
 *
 * - `GET /c/:id` — a hosted session's payment page; `POST /c/:id` pays; `GET /c/:id/return` is where a 3-D Secure
 *   authentication comes back to; `GET /c/:id/complete` confirms a completed session.
 * - `GET /c/:id/embedded?client_secret&key&parent_origin` — the same form for an embedded session, inside the
 *   merchant's iframe (opened by `/v1/checkout.js`); `POST /c/:id/embedded` pays; `GET /c/:id/embedded/return`.
 * - `/checkout/assets/*` (the pages' stylesheet and script) and `/v1/checkout.js` (the embedding script).
 *
 * None takes an API key: a hosted session's id is its URL; an embedded page needs the session's client secret and
 * a publishable key of its merchant and mode.
 */

/**
 * Page posts per minute from one IP — the documented allowance for requests that carry no API key (100, decisions.md
 * Protocol 10) — and per session: enough for people, too few for card testing one session.
 */
const POSTS_PER_IP_PER_MINUTE = 100;
const POSTS_PER_SESSION_PER_MINUTE = 20;

type Query = Record<string, unknown>;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function wallNow(runtime: Runtime): number {
  return Math.floor(runtime.deps.clock.nowMs() / 1000);
}

function facts(found: FoundSession): SessionFacts {
  const s = found.row.session;
  // A session the merchant expired early did not expire at its expires_at (still ahead): its page gives no date.
  const expiredAt = s.expires_at <= found.ctx.actor.now ? s.expires_at : null;
  return { merchantName: found.ctx.actor.merchant.name, amountTotal: s.amount_total, currency: s.currency, expiredAt };
}

function isExpired(s: CheckoutSession, now: number): boolean {
  return s.status === 'expired' || (s.status === 'open' && now >= s.expires_at);
}

/** The hosted page's policy: not framable; form submissions may end at the success URL's origin. */
function hostedPolicy(s: CheckoutSession): PagePolicy {
  const success = httpOrigin(successRedirectUrl(s));
  return { formTargets: success ? [success] : [] };
}

function embeddedPolicy(parentOrigin: string): PagePolicy {
  return { formTargets: [], frameAncestor: parentOrigin };
}

/** Where the buyer goes once the session is paid: the success URL with the id substituted, else the confirmation page. */
function afterPayment(s: CheckoutSession): string {
  return successRedirectUrl(s) ?? `/c/${s.id}/complete`;
}

async function linkMessage(found: FoundSession): Promise<string | null> {
  const linkId = found.row.session.checkout_link;
  if (!linkId) return null;
  const link = await findObject<CheckoutLink>(found.ctx.db, CHECKOUT_LINKS_TABLE, found.ctx.actor.scope, linkId);
  return link?.after_completion.hosted_confirmation?.custom_message ?? null;
}

/** A form-field id for an API parameter a completion refused (`payment_method_data[card][cvc]` → `card-cvc`). */
function fieldForParam(param: string | null): string | undefined {
  if (!param) return undefined;
  const address = /^(billing|shipping)_address\[(line1|line2|city|state|postal_code|country)\]$/.exec(param);
  if (address) return `${address[1] ?? ''}-${(address[2] ?? '').replace('_', '-')}`;
  const card = /card\]?\[(number|exp_month|exp_year|cvc)\]$/.exec(param);
  if (card) return { number: 'card-number', exp_month: 'card-exp-month', exp_year: 'card-exp-year', cvc: 'card-cvc' }[card[1] as 'number'];
  if (param === 'shipping_rate') return 'shipping-rate-0';
  if (param === 'payment_method') return 'pm-card';
  if (param === 'email' || param === 'name' || param === 'phone') return param;
  return undefined;
}

function errorsFor(err: AppError): PageErrors {
  const field = fieldForParam(err.param);
  return field ? { fields: { [field]: err.message } } : { summary: err.message, fields: {} };
}

function serveAsset(reply: FastifyReply, asset: Asset, cache: string, version: unknown, crossOrigin: boolean): FastifyReply {
  return reply
    .code(200)
    .header('Content-Type', asset.contentType)
    .header('Cache-Control', version === asset.version ? 'public, max-age=31536000, immutable' : cache)
    .header('ETag', `"${asset.version}"`)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Cross-Origin-Resource-Policy', crossOrigin ? 'cross-origin' : 'same-origin')
    .send(asset.body);
}

export function registerCheckoutPages(app: FastifyInstance, runtime: Runtime): void {
  const { deps } = runtime;
  const config = deps.config;

  void app.register((pages, _options, done) => {
    pages.setErrorHandler((err: FastifyError | AppError, request, reply) => sendPageError(err, request, reply));

    // ---- Assets. ----
    pages.get(`${ASSET_PREFIX}/:name`, { schema: { hide: true } }, (request, reply) => {
      const { name } = request.params as { name: string };
      const asset = Object.hasOwn(PAGE_ASSETS, name) ? PAGE_ASSETS[name] : undefined;
      if (!asset) return reply.code(404).type('text/plain; charset=utf-8').header('X-Content-Type-Options', 'nosniff').send('Not found');
      return serveAsset(reply, asset, 'public, max-age=300', (request.query as Query).v, false);
    });
    pages.get('/v1/checkout.js', { schema: { hide: true } }, (request, reply) =>
      serveAsset(reply, EMBED_SCRIPT, 'public, max-age=300', (request.query as Query).v, true),
    );

    // ---- Shared steps. ----
    const rateLimited = (request: FastifyRequest, sessionId: string): boolean => {
      if (!config.rateLimits) return false;
      const now = deps.clock.nowMs();
      const byIp = runtime.rateLimiter.take(`checkout-page:ip:${request.ip}`, POSTS_PER_IP_PER_MINUTE, now);
      const bySession = runtime.rateLimiter.take(`checkout-page:session:${sessionId}`, POSTS_PER_SESSION_PER_MINUTE, now);
      return !byIp.allowed || !bySession.allowed;
    };

    /**
     * Shows a session that cannot be paid (complete or expired) and answers true: the reply is sent, and the caller
     * must do nothing more (return `reply`). Answers false, sending nothing, when the session is payable. (It never
     * hands the reply back: a FastifyReply is thenable, so awaiting one yields undefined, not the reply.)
     */
    const closedPage = async (
      reply: FastifyReply,
      found: FoundSession,
      policy: PagePolicy,
      embedded: EmbeddedContext | undefined,
      onPost: boolean,
    ): Promise<boolean> => {
      const s = found.row.session;
      const testMode = !s.livemode;
      const frame = embedded ? { parentOrigin: embedded.parentOrigin, sessionId: s.id } : undefined;
      if (s.status === 'complete') {
        const model = completePage(facts(found), { message: await linkMessage(found) });
        if (onPost) {
          model.heading = 'This checkout is already paid';
          model.lines = [
            `The payment for this checkout was received earlier. This submission was not charged again.`,
            ...model.lines.slice(1),
          ];
        }
        const success = successRedirectUrl(s);
        if (success && !embedded && !success.startsWith(`${config.publicUrl}/`)) model.link = { href: success, text: `Continue to ${found.ctx.actor.merchant.name}` };
        sendStatusPage(reply, onPost ? 409 : 200, model, { testMode, policy, embedded: frame });
        return true;
      }
      if (isExpired(s, found.ctx.actor.now)) {
        sendStatusPage(reply, 410, expiredPage(facts(found), embedded ? null : s.cancel_url), { testMode, policy, embedded: frame });
        return true;
      }
      return false;
    };

    /**
     * Sends the payment form, first shown or shown again with problems, and resolves to the reply: a route that
     * resolves to anything else after sending would have Fastify send again while an onSend hook still waits.
     */
    const showForm = async (
      reply: FastifyReply,
      status: number,
      found: FoundSession,
      surface: Surface,
      policy: PagePolicy,
      embedded: EmbeddedContext | undefined,
      values: FormValues | undefined,
      errors: PageErrors,
      event?: Record<string, unknown>,
    ): Promise<FastifyReply> => {
      const session = await pageSession(found);
      return sendPaymentPage(reply, status, {
        config,
        merchantName: found.ctx.actor.merchant.name,
        session,
        values: values ?? prefilledValues(found, initialFormValues(session)),
        errors,
        surface,
        embedded,
        policy,
        nowS: wallNow(runtime),
        event,
      });
    };

    /** Handles a posted form on either surface. */
    const pay = async (request: FastifyRequest, reply: FastifyReply, found: FoundSession, embedded: EmbeddedContext | undefined) => {
      const s = found.row.session;
      const surface: Surface = embedded ? 'embedded' : 'hosted';
      const policy = embedded ? embeddedPolicy(embedded.parentOrigin) : hostedPolicy(s);
      const frame = embedded ? { parentOrigin: embedded.parentOrigin, sessionId: s.id } : undefined;
      const testMode = !s.livemode;
      if (!originAllowed(request.headers.origin, request.headers.host, config.publicUrl)) {
        return sendStatusPage(reply, 403, { kind: 'refused', heading: 'Form refused', lines: ['This payment form was sent from another website, so it was refused. Nothing was charged.'] }, { testMode, policy, embedded: frame });
      }
      if (rateLimited(request, s.id)) {
        return sendStatusPage(reply.header('Retry-After', '60'), 429, { kind: 'refused', heading: 'Too many attempts', lines: ['Too many payment attempts in a short time. Wait a minute, then try again.'] }, { testMode, policy, embedded: frame });
      }
      // A completed or expired session gets its page, and nothing else happens: no token check, no payment attempt.
      if (await closedPage(reply, found, policy, embedded, true)) return reply;

      const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
      const nonce = str(body.form_key);
      if (!verifyFormToken(config, s.id, surface, nonce, body.csrf_token, wallNow(runtime))) {
        return showForm(reply, 403, found, surface, policy, embedded, readFormValues(body), {
          summary: 'This form could not be verified (it may have been open too long). Check your details and submit again; nothing was charged.',
          fields: {},
        });
      }
      const page = await pageSession(found);
      const parsed = parseCheckoutForm(body, page, found.ctx.actor.now);
      if (!parsed.ok) return showForm(reply, 400, found, surface, policy, embedded, parsed.values, parsed.errors);

      const returnUrl = embedded ? `${config.publicUrl}/c/${s.id}/embedded/return?${embeddedQuery(embedded)}` : `${config.publicUrl}/c/${s.id}/return`;
      let outcome: PayOutcome;
      try {
        outcome = await attemptPayment(runtime, found, nonce, parsed.payment, returnUrl);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        if (err.code === 'checkout_session_not_open') {
          const fresh = await findSession(deps, deps.store.db, s.id);
          if (fresh && (await closedPage(reply, fresh, policy, embedded, true))) return reply;
        }
        if (err.code === 'idempotency_key_reused') {
          return showForm(reply, 409, found, surface, policy, embedded, parsed.values, {
            summary: 'This form was already submitted with other details. Check your details and submit again; you were not charged twice.',
            fields: {},
          });
        }
        if (err.code === 'idempotency_key_in_use') {
          return sendStatusPage(reply, 409, { kind: 'refused', heading: 'Payment in progress', lines: ['Your payment is still being processed. Wait a moment, then reload this page.'] }, { testMode, policy, embedded: frame });
        }
        return showForm(reply, err.status, found, surface, policy, embedded, parsed.values, errorsFor(err));
      }

      switch (outcome.kind) {
        case 'complete': {
          if (!embedded) return reply.code(303).header('Location', afterPayment(s)).header('Cache-Control', 'no-store').send();
          const fresh = (await findSession(deps, deps.store.db, s.id)) ?? found;
          return sendStatusPage(reply, 200, completePage(facts(fresh)), {
            testMode,
            policy,
            embedded: { parentOrigin: embedded.parentOrigin, sessionId: s.id, event: { type: 'checkout.complete', session: s.id, redirect_url: successRedirectUrl(s) } },
          });
        }
        case 'requires_action':
          return reply.code(303).header('Location', outcome.url).header('Cache-Control', 'no-store').send();
        case 'processing':
          return sendStatusPage(reply, 202, { kind: 'complete', heading: 'Payment processing', lines: ['Your payment is being processed. You will hear from the seller once it is confirmed.'] }, { testMode, policy, embedded: frame });
        case 'declined': {
          const fresh = (await findSession(deps, deps.store.db, s.id)) ?? found;
          return showForm(reply, 402, fresh, surface, policy, embedded, parsed.values, { summary: outcome.message, fields: {} }, {
            type: 'checkout.declined',
            session: s.id,
            message: outcome.message,
            decline_code: outcome.declineCode,
          });
        }
      }
    };

    /** After a 3-D Secure step: completed sessions move on, failures show the form again with the reason. */
    const afterAuthentication = async (reply: FastifyReply, found: FoundSession, embedded: EmbeddedContext | undefined) => {
      const s = found.row.session;
      const surface: Surface = embedded ? 'embedded' : 'hosted';
      const policy = embedded ? embeddedPolicy(embedded.parentOrigin) : hostedPolicy(s);
      if (s.status === 'complete') {
        if (!embedded) return reply.code(303).header('Location', afterPayment(s)).header('Cache-Control', 'no-store').send();
        return sendStatusPage(reply, 200, completePage(facts(found)), {
          testMode: !s.livemode,
          policy,
          embedded: { parentOrigin: embedded.parentOrigin, sessionId: s.id, event: { type: 'checkout.complete', session: s.id, redirect_url: successRedirectUrl(s) } },
        });
      }
      if (await closedPage(reply, found, policy, embedded, false)) return reply;
      const intent = s.payment_intent ? await findObject<StoredPaymentIntent>(found.ctx.db, PAYMENT_INTENTS_TABLE, found.ctx.actor.scope, s.payment_intent) : undefined;
      if (intent?.status === 'processing') {
        return sendStatusPage(reply, 202, { kind: 'complete', heading: 'Payment processing', lines: ['Your payment is being processed. You will hear from the seller once it is confirmed.'] }, {
          testMode: !s.livemode,
          policy,
        });
      }
      const failure = intent?.last_payment_error;
      const message = failure
        ? failure.code === 'payment_intent_authentication_failure'
          ? 'The card authentication failed, so the payment was not made.'
          : customerDeclineMessage(failure.decline_code)
        : 'The card authentication was not completed, so the payment was not made.';
      const page = await pageSession(found);
      const values = prefilledValues(found, initialFormValues(page));
      return showForm(reply, 402, found, surface, policy, embedded, values, { summary: `${message} Try again or use another card.`, fields: {} }, {
        type: 'checkout.declined',
        session: s.id,
        message,
        decline_code: failure?.decline_code ?? null,
      });
    };

    // ---- Hosted. ----
    const hostedSession = async (request: FastifyRequest): Promise<FoundSession | undefined> => {
      const { id } = request.params as { id: string };
      const found = await findSession(deps, deps.store.db, id);
      return found && found.row.session.ui_mode === 'hosted' ? found : undefined;
    };
    const notFound = (reply: FastifyReply) => sendStatusPage(reply, 404, notFoundPage(), { testMode: false, policy: { formTargets: [] } });

    pages.get('/c/:id', { schema: { hide: true } }, async (request, reply) => {
      const found = await hostedSession(request);
      if (!found) return notFound(reply);
      const policy = hostedPolicy(found.row.session);
      if (await closedPage(reply, found, policy, undefined, false)) return reply;
      return showForm(reply, 200, found, 'hosted', policy, undefined, undefined, { fields: {} });
    });

    pages.post('/c/:id', { schema: { hide: true } }, async (request, reply) => {
      const found = await hostedSession(request);
      if (!found) return notFound(reply);
      return pay(request, reply, found, undefined);
    });

    pages.get('/c/:id/return', { schema: { hide: true } }, async (request, reply) => {
      const found = await hostedSession(request);
      if (!found) return notFound(reply);
      return afterAuthentication(reply, found, undefined);
    });

    pages.get('/c/:id/complete', { schema: { hide: true } }, async (request, reply) => {
      const found = await hostedSession(request);
      if (!found) return notFound(reply);
      const s = found.row.session;
      // A closed session shows its page; one still payable sends the buyer to the form.
      if (await closedPage(reply, found, hostedPolicy(s), undefined, false)) return reply;
      return reply.code(303).header('Location', `/c/${s.id}`).header('Cache-Control', 'no-store').send();
    });

    // ---- Embedded. ----
    /** The embedded page's credentials: the session's client secret and a publishable key of its merchant and mode. */
    const embeddedSession = async (
      request: FastifyRequest,
      source: Query,
    ): Promise<{ found: FoundSession; embedded: EmbeddedContext } | { parentOrigin: string | undefined }> => {
      const { id } = request.params as { id: string };
      const parentOrigin = str(source.parent_origin);
      const validOrigin = httpOrigin(parentOrigin) === parentOrigin ? parentOrigin : undefined;
      const clientSecret = str(source.client_secret);
      const key = str(source.key);
      if (!validOrigin || clientSecret === '' || key === '') return { parentOrigin: validOrigin };
      const found = await findSession(deps, deps.store.db, id);
      const s = found?.row.session;
      if (!found || !s || s.ui_mode !== 'embedded' || s.client_secret === null || !secretsEqual(s.client_secret, clientSecret)) {
        return { parentOrigin: validOrigin };
      }
      const nowMs = deps.clock.nowMs();
      const principal = await runtime.keys.resolve(key, nowMs, Math.floor(nowMs / 1000)).catch(() => undefined);
      const { scope } = found.ctx.actor;
      if (!principal || principal.keyType !== 'publishable' || principal.merchant.id !== scope.merchantId || principal.livemode !== scope.livemode) {
        return { parentOrigin: validOrigin };
      }
      return { found, embedded: { parentOrigin: validOrigin, clientSecret, publishableKey: key } };
    };
    const embeddedNotFound = (reply: FastifyReply, parentOrigin: string | undefined) =>
      sendStatusPage(reply, 404, notFoundPage(), {
        testMode: false,
        policy: parentOrigin ? embeddedPolicy(parentOrigin) : { formTargets: [] },
        embedded: parentOrigin ? { parentOrigin, sessionId: '' } : undefined,
      });

    pages.get('/c/:id/embedded', { schema: { hide: true } }, async (request, reply) => {
      const access = await embeddedSession(request, request.query as Query);
      if (!('found' in access)) return embeddedNotFound(reply, access.parentOrigin);
      const { found, embedded } = access;
      const policy = embeddedPolicy(embedded.parentOrigin);
      if (await closedPage(reply, found, policy, embedded, false)) return reply;
      return showForm(reply, 200, found, 'embedded', policy, embedded, undefined, { fields: {} });
    });

    pages.post('/c/:id/embedded', { schema: { hide: true } }, async (request, reply) => {
      const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Query;
      const access = await embeddedSession(request, body);
      if (!('found' in access)) return embeddedNotFound(reply, access.parentOrigin);
      return pay(request, reply, access.found, access.embedded);
    });

    pages.get('/c/:id/embedded/return', { schema: { hide: true } }, async (request, reply) => {
      const access = await embeddedSession(request, request.query as Query);
      if (!('found' in access)) return embeddedNotFound(reply, access.parentOrigin);
      return afterAuthentication(reply, access.found, access.embedded);
    });
    done();
  });
}

function embeddedQuery(e: EmbeddedContext): string {
  return new URLSearchParams({ client_secret: e.clientSecret, key: e.publishableKey, parent_origin: e.parentOrigin }).toString();
}

/** A first rendering prefilled with what the buyer already gave (kept by the session during a 3-D Secure step). */
function prefilledValues(found: FoundSession, base: FormValues): FormValues {
  const c = found.row.collected;
  const s = found.row.session;
  return {
    ...base,
    email: base.email || (c.email ?? ''),
    name: c.name ?? base.name,
    phone: c.phone ?? base.phone,
    shipping: c.shipping_address ? addressValues(c.shipping_address) : base.shipping,
    billing: c.billing_address ? addressValues(c.billing_address) : base.billing,
    shippingRate: s.shipping_cost?.shipping_rate ?? base.shippingRate,
  };
}
