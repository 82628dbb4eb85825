import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { toAppError } from '../http/framework-errors.js';
import { AppError } from '../lib/errors.js';
import type { Config } from '../config.js';
import { layout } from './views/layout.js';
import type { SafeHtml } from './html.js';
import { paymentPage } from './views/payment-page.js';
import { statusPage, type StatusPageModel } from './views/status-page.js';
import type { FormValues, PageErrors, PageSession } from './page-model.js';
import { issueFormToken, pageHeaders, type PagePolicy, type Surface } from './security.js';

/** Embedded mode: the merchant page's origin and the credentials the iframe was opened with. */
export interface EmbeddedContext {
  parentOrigin: string;
  clientSecret: string;
  publishableKey: string;
}

export function sendHtml(reply: FastifyReply, status: number, document: SafeHtml, policy: PagePolicy): FastifyReply {
  return reply.code(status).headers(pageHeaders(policy)).send(document.toString());
}

/** A page that states where things stand (complete, expired, not found, refused) — never a form. */
export function sendStatusPage(
  reply: FastifyReply,
  status: number,
  model: StatusPageModel,
  options: { testMode: boolean; policy: PagePolicy; embedded?: { parentOrigin: string; sessionId: string; event?: Record<string, unknown> } | undefined },
): FastifyReply {
  const document = layout({ title: `${model.heading} — Checkout`, body: statusPage(model), testMode: options.testMode, embedded: options.embedded });
  return sendHtml(reply, status, document, options.policy);
}

export interface PaymentRender {
  config: Config;
  merchantName: string;
  session: PageSession;
  values: FormValues;
  errors: PageErrors;
  surface: Surface;
  embedded?: EmbeddedContext | undefined;
  policy: PagePolicy;
  /** Real time (unix seconds): form tokens age on the wall clock, whatever a test clock says. */
  nowS: number;
  /** An event for the parent page (embedded mode): a decline. */
  event?: Record<string, unknown> | undefined;
}

/** Renders the payment form with a fresh per-render nonce (the payment's idempotency key) and its CSRF token. */
export function sendPaymentPage(reply: FastifyReply, status: number, r: PaymentRender): FastifyReply {
  const id = r.session.id;
  const token = issueFormToken(r.config, id, r.surface, r.nowS);
  const hidden: Record<string, string> = { form_key: token.nonce, csrf_token: token.token };
  if (r.embedded) {
    hidden.client_secret = r.embedded.clientSecret;
    hidden.key = r.embedded.publishableKey;
    hidden.parent_origin = r.embedded.parentOrigin;
  }
  const body = paymentPage({
    merchantName: r.merchantName,
    session: r.session,
    values: r.values,
    errors: r.errors,
    action: r.surface === 'hosted' ? `/c/${id}` : `/c/${id}/embedded`,
    hidden,
    embedded: r.surface === 'embedded',
  });
  const document = layout({
    title: `${r.errors.summary ? 'Payment not completed' : `Pay ${r.merchantName}`} — Checkout`,
    body,
    testMode: !r.session.livemode,
    paymentForm: true,
    embedded: r.embedded ? { parentOrigin: r.embedded.parentOrigin, sessionId: id, event: r.event } : undefined,
  });
  return sendHtml(reply, status, document, r.policy);
}

/**
 * A page route's failure, as a page: a refusal (a form of another media type, too large, unreadable, or a client gone
 * mid-upload) with its 4xx status, anything else a 500 that is logged. Never the API's JSON envelope.
 */
export function sendPageError(err: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(err);
  if (appError.status >= 500) request.log.error({ err, request_id: request.id }, 'checkout page failed');
  const model: StatusPageModel =
    appError.status < 500
      ? { kind: 'refused', heading: 'This request could not be completed', lines: [err instanceof AppError ? err.message : 'The form could not be read. Go back and send it again.'] }
      : { kind: 'error', heading: 'Something went wrong', lines: ['We could not show this page. Nothing was charged by this error. Please try again in a moment.'] };
  return sendStatusPage(reply, appError.status, model, { testMode: false, policy: { formTargets: [] } });
}
