/**
 * The package's library entry: helpers for applications that receive Railyard (Fluveo) webhooks.
 *
 *   import { verifySignature } from 'railyard';
 *   if (!verifySignature(rawBody, req.headers['fluveo-signature'], process.env.WEBHOOK_SECRET)) return res.status(400).end();
 */
export {
  computeSignature,
  constructEvent,
  DEFAULT_TOLERANCE_S,
  signPayload,
  verifySignature,
  WebhookSignatureError,
  type VerifyFailure,
} from './lib/webhook-signature.js';
