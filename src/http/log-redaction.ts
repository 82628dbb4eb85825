import type { FastifyRequest } from 'fastify';

/**
 * What the request log may show of a URL. Query strings carry secrets: the client-side checkout API takes the
 * session's `client_secret` there, and callers sometimes paste an API key into one. A parameter whose name says it
 * is a secret, and any value (or path segment) that looks like a key or a secret, is replaced by `[redacted]`.
 */

const SECRET_VALUE = /(?:^|[^A-Za-z0-9])(?:sk|pk|rk)_(?:test|live)_|_secret_|whsec_/;
const SECRET_NAME = /secret|key|token|password|card/i;
const REDACTED = '[redacted]';

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

const looksSecret = (text: string) => SECRET_VALUE.test(decoded(text)) || /^\d[\d ]{11,22}\d$/.test(decoded(text));

/** The URL with secret-looking path segments and query values replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  // The 3-D Secure page's token (`/authenticate/<token>`) is a credential too: whoever holds it answers the challenge.
  const safePath = path
    .split('/')
    .map((segment, i, all) => (looksSecret(segment) || (i > 0 && all[i - 1] === 'authenticate' && segment !== '') ? REDACTED : segment))
    .join('/');
  if (q === -1) return safePath;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return looksSecret(pair) ? REDACTED : pair;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      return SECRET_NAME.test(decoded(name)) || looksSecret(value) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${safePath}?${query}`;
}

/** The `req` serializer of the request log: Fastify's fields, with the URL redacted. */
export function serializeRequest(req: FastifyRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
