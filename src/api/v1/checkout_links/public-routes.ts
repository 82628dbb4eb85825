import type { FastifyInstance, FastifyReply } from 'fastify';
import { escapeHtml } from '../../../checkout/html.js';
import { linkActor, visitCheckoutLink } from '../../../domain/checkout-links/visit-checkout-link.js';
import { takeIpAllowance, type Runtime } from '../../../http/runtime.js';
import { AppError } from '../../../lib/errors.js';

function page(reply: FastifyReply, status: number, title: string, message: string): FastifyReply {
  const body =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2933}` +
    'h1{font-size:1.4rem}</style></head><body>' +
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
  return reply
    .code(status)
    .header('Cache-Control', 'no-store')
    .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    .header('X-Content-Type-Options', 'nosniff')
    .type('text/html; charset=utf-8')
    .send(body);
}

/**
 * `GET /cl/:id`, a checkout link's public URL (no API key: the link id is public). Each visit of an active link
 * mints a new hosted Checkout Session and answers 303 to its page; an inactive link answers a small page with its
 * `inactive_message`. Visits count against the per-IP limit for unauthenticated requests, since each one writes.
 * HEAD writes nothing.
 */
export function registerCheckoutLinkRoutes(app: FastifyInstance, runtime: Runtime): void {
  const { deps } = runtime;
  // HEAD (link checkers, previews) tells whether the link exists without minting a session.
  app.head('/cl/:id', { schema: { hide: true } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const actor = await linkActor(deps, id);
    return reply.code(actor ? 200 : 404).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send();
  });
  app.get('/cl/:id', { schema: { hide: true }, exposeHeadRoute: false }, async (request, reply) => {
    const d = takeIpAllowance(runtime, request, reply);
    if (d && !d.allowed) return page(reply.header('Retry-After', String(d.retryAfterS)), 429, 'Too many requests', 'Please wait a moment and try again.');
    const { id } = request.params as { id: string };
    const actor = await linkActor(deps, id);
    if (!actor) return page(reply, 404, 'Link not found', 'This checkout link does not exist.');
    try {
      const visit = await deps.store.withTransaction((db) => visitCheckoutLink({ deps, actor, db }, id));
      if (visit.kind === 'inactive') {
        return await page(reply, 200, 'This link is no longer available', visit.link.inactive_message ?? 'This checkout link is no longer accepting payments.');
      }
      return await reply.code(303).header('Cache-Control', 'no-store').header('Location', visit.session.url ?? '/').send();
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      request.log.warn({ err, checkout_link: id }, 'checkout link could not mint a session');
      return page(reply, 409, 'This link is not available right now', 'Something this link sells can no longer be bought. Please contact the seller.');
    }
  });
}
