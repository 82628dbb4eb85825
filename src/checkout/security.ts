import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import { keyFilePath, secretBox } from '../domain/webhooks/secrets-key.js';
import { randomBase62 } from '../lib/ids.js';
import { parseSecretsKey } from '../lib/secret-box.js';

/**
 * The checkout pages' defences: response headers (a strict Content-Security-Policy, framing rules), the form token
 * that proves a POST comes from a page Railyard rendered for that session (CSRF), and the Origin check.
 */

/** How long a rendered form stays postable: a session lives at most 24 hours. */
export const FORM_TOKEN_TTL_S = 25 * 3600;

const derivedKeys = new WeakMap<object, Buffer>();

/**
 * The key that signs form tokens, derived from the installation's secrets key (RAILYARD_SECRETS_KEY, else the key
 * file beside the database — the same key that seals webhook secrets), so every node sharing the database accepts
 * the forms any node rendered, also across restarts.
 */
function formKey(config: Pick<Config, 'secretsKey' | 'databaseUrl'>): Buffer {
  let key = derivedKeys.get(config);
  if (!key) {
    let master: Buffer;
    if (config.secretsKey !== undefined) {
      master = parseSecretsKey(config.secretsKey);
    } else {
      secretBox(config); // creates the key file on first use
      master = parseSecretsKey(readFileSync(keyFilePath(config.databaseUrl), 'utf8'));
    }
    key = createHmac('sha256', master).update('railyard checkout form token v1').digest();
    derivedKeys.set(config, key);
  }
  return key;
}

function mac(config: Pick<Config, 'secretsKey' | 'databaseUrl'>, text: string): string {
  return createHmac('sha256', formKey(config)).update(text).digest('base64url');
}

export interface FormToken {
  /** Per render: the idempotency key of the payment the form submits. */
  nonce: string;
  /** `issued.mac`: HMAC(server key, session id + surface + nonce + issued). */
  token: string;
}

export type Surface = 'hosted' | 'embedded';

/** A fresh nonce and its token for one rendering of a session's form. */
export function issueFormToken(config: Pick<Config, 'secretsKey' | 'databaseUrl'>, sessionId: string, surface: Surface, nowS: number): FormToken {
  const nonce = randomBase62(24);
  return { nonce, token: `${nowS}.${mac(config, `${sessionId}|${surface}|${nonce}|${nowS}`)}` };
}

/** True when `token` was issued by this installation for this session, surface and nonce, and has not aged out. */
export function verifyFormToken(
  config: Pick<Config, 'secretsKey' | 'databaseUrl'>,
  sessionId: string,
  surface: Surface,
  nonce: unknown,
  token: unknown,
  nowS: number,
): boolean {
  if (typeof nonce !== 'string' || typeof token !== 'string') return false;
  if (!/^[A-Za-z0-9]{24}$/.test(nonce)) return false;
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return false;
  const issued = Number(m[1]);
  if (issued > nowS + 300 || nowS - issued > FORM_TOKEN_TTL_S) return false;
  const want = Buffer.from(mac(config, `${sessionId}|${surface}|${nonce}|${issued}`));
  const got = Buffer.from(m[2] ?? '');
  return want.length === got.length && timingSafeEqual(want, got);
}

/** A keyed digest of a secret value (a card number) for comparisons that must not reveal it. */
export function keyedDigest(config: Pick<Config, 'secretsKey' | 'databaseUrl'>, value: string): string {
  return mac(config, `digest|${value}`);
}

/** Constant-time equality of two strings (client secrets). */
export function secretsEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * A browser's `Origin` on a form POST must be this server (the host the browser addressed, or PUBLIC_URL's). Absent
 * (older browsers, some privacy settings) the form token alone decides; `null` (sandboxed or opaque origins) is
 * refused.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (origin === undefined) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  if (host !== undefined && originHost === host) return true;
  try {
    return originHost === new URL(publicUrl).host;
  } catch {
    return false;
  }
}

/** The origin (`scheme://host[:port]`) of an absolute http(s) URL, or undefined. */
export function httpOrigin(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

export interface PagePolicy {
  /** Origins the page's form submissions may end up at after a redirect (the success URL's). */
  formTargets: string[];
  /** Embedded mode: the one origin allowed to frame the page. Undefined → the page may not be framed at all. */
  frameAncestor?: string | undefined;
}

/**
 * The Content-Security-Policy of a checkout page. Nothing outside Railyard loads: scripts, styles and images come
 * from this origin only (no inline script or style), no plugins, no `<base>` rewriting. `form-action` also lists
 * the success URL's origin because browsers check it against a form submission's redirects.
 */
export function contentSecurityPolicy(policy: PagePolicy): string {
  const formAction = ["'self'", ...new Set(policy.formTargets)].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    `form-action ${formAction}`,
    `frame-ancestors ${policy.frameAncestor ?? "'none'"}`,
  ].join('; ');
}

/** Every header a checkout page is served with. */
export function pageHeaders(policy: PagePolicy): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': contentSecurityPolicy(policy),
    'Cache-Control': 'no-store',
    // Page URLs name sessions (and, embedded, carry the client secret): never hand them to another site. Not
    // `no-referrer`, which would also blank the Origin of the page's own form posts (checked by originAllowed).
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': policy.frameAncestor ? 'unsafe-none' : 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
  if (!policy.frameAncestor) headers['X-Frame-Options'] = 'DENY';
  return headers;
}
