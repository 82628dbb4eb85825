import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The webhook signature scheme (decisions.md, "Webhooks"):
 * `Fluveo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "v1=" + t + "." + raw_body)>`.
 * The literal `v1=` inside the signed string is part of Fluveo's scheme (it differs from Stripe's `t.body`).
 * During a secret rotation the header carries one `v1=` per active secret.
 */

/** Receivers reject signatures whose timestamp is further than this from their own clock (either direction). */
export const DEFAULT_TOLERANCE_S = 300;

/** The hex HMAC-SHA256 of one payload under one secret (the whole `whsec_…` string is the key). */
export function computeSignature(secret: string, timestamp: number, rawBody: string | Buffer): string {
  const mac = createHmac('sha256', secret);
  mac.update(`v1=${timestamp}.`, 'utf8');
  mac.update(rawBody);
  return mac.digest('hex');
}

/** The signature header value for a payload: `t=…,v1=…[,v1=…]`, one `v1` per secret given. */
export function signPayload(rawBody: string | Buffer, secrets: string | readonly string[], timestamp: number): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  if (list.length === 0) throw new Error('signPayload needs at least one secret');
  if (!Number.isSafeInteger(timestamp)) throw new Error('signPayload needs an integer unix timestamp');
  return [`t=${timestamp}`, ...list.map((s) => `v1=${computeSignature(s, timestamp, rawBody)}`)].join(',');
}

export type VerifyFailure = 'header_missing' | 'header_malformed' | 'timestamp_outside_tolerance' | 'signature_mismatch';

export class WebhookSignatureError extends Error {
  constructor(
    readonly reason: VerifyFailure,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

/**
 * Verifies a delivery on the receiving side: true when one of the header's `v1=` signatures matches `secret` over
 * the exact `rawBody` bytes and `t` is within `toleranceS` seconds of `now` (unix seconds, default the system clock,
 * checked in both directions). Never throws for bad input: a missing or malformed header is simply false.
 * Comparison is constant-time. Parse the JSON only after this returned true.
 */
export function verifySignature(
  rawBody: string | Buffer,
  header: string | string[] | undefined | null,
  secret: string,
  toleranceS: number = DEFAULT_TOLERANCE_S,
  now?: number,
): boolean {
  return checkSignature(rawBody, header, secret, toleranceS, now) === null;
}

/**
 * Like verifySignature, but returns the parsed event and throws a WebhookSignatureError naming the reason
 * (`header_missing`, `header_malformed`, `timestamp_outside_tolerance`, `signature_mismatch`) when it fails.
 */
export function constructEvent(
  rawBody: string | Buffer,
  header: string | string[] | undefined | null,
  secret: string,
  toleranceS: number = DEFAULT_TOLERANCE_S,
  now?: number,
): unknown {
  const failure = checkSignature(rawBody, header, secret, toleranceS, now);
  if (failure) throw new WebhookSignatureError(failure, FAILURE_MESSAGES[failure]);
  return JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8')) as unknown;
}

const FAILURE_MESSAGES: Record<VerifyFailure, string> = {
  header_missing: 'No Fluveo-Signature header was given.',
  header_malformed: 'The signature header has no t= timestamp or no v1= signature.',
  timestamp_outside_tolerance: 'The signature timestamp is outside the tolerance.',
  signature_mismatch: 'No signature in the header matches the payload and secret.',
};

function checkSignature(
  rawBody: string | Buffer,
  header: string | string[] | undefined | null,
  secret: string,
  toleranceS: number,
  now: number = Math.floor(Date.now() / 1000),
): VerifyFailure | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || value === '') return 'header_missing';
  if (typeof secret !== 'string' || secret === '') return 'signature_mismatch';
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) timestamp = Number(v);
    else if (k === 'v1' && /^[0-9a-fA-F]{64}$/.test(v)) signatures.push(Buffer.from(v, 'hex'));
  }
  if (timestamp === undefined || signatures.length === 0) return 'header_malformed';
  if (toleranceS > 0 && Math.abs(now - timestamp) > toleranceS) return 'timestamp_outside_tolerance';
  const expected = Buffer.from(computeSignature(secret, timestamp, rawBody), 'hex');
  let matched = false;
  // Every candidate is compared (no early exit), each in constant time.
  for (const candidate of signatures) {
    if (timingSafeEqual(candidate, expected)) matched = true;
  }
  return matched ? null : 'signature_mismatch';
}
