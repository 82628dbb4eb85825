import { z } from 'zod';
import { ALL_EVENTS, isKnownEventType } from '../../../domain/events/event-types.js';
import { zText, zUnsettable } from '../../../http/params.js';
import { isSupportedApiVersion } from '../../../lib/api-versions.js';

export const webhookEndpointSchema = z
  .object({
    id: z.string(),
    object: z.literal('webhook_endpoint'),
    api_version: z.string().nullable(),
    created: z.int(),
    description: z.string().nullable(),
    enabled_events: z.array(z.string()),
    livemode: z.boolean(),
    merchant_id: z.string(),
    metadata: z.record(z.string(), z.string()),
    secret: z.string().meta({ description: 'The full whsec_ secret in the create and rotate_secret responses; masked elsewhere.' }),
    status: z.enum(['enabled', 'disabled']),
    url: z.string(),
  })
  .meta({ id: 'WebhookEndpoint' });

export const deletedWebhookEndpointSchema = z
  .object({ id: z.string(), object: z.literal('webhook_endpoint'), deleted: z.literal(true) })
  .meta({ id: 'DeletedWebhookEndpoint' });

export const webhookEndpointIdParams = z.strictObject({ id: zText(255) });

/** An absolute http(s) URL without credentials or fragment. */
export const zWebhookUrl = () =>
  zText(2048, { min: 1 }).refine(
    (s) => {
      try {
        const u = new URL(s);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && u.username === '' && u.password === '' && u.hash === '';
      } catch {
        return false;
      }
    },
    { error: 'must be an absolute http:// or https:// URL without credentials or fragment' },
  );

const zEventType = zText(100, { min: 1 }).refine((t) => t === ALL_EVENTS || isKnownEventType(t), {
  error: 'is not a known event type (see docs/webhooks.md; `*` subscribes to all)',
});

/** `enabled_events[]=a&enabled_events[]=b` or a JSON array; a plain string is the wrong type, as for every list. */
export const zEnabledEvents = () => z.array(zEventType).min(1, { error: 'must list at least one event type' }).max(200);

export const zApiVersion = () =>
  z.string({ error: 'must be a string' }).refine(isSupportedApiVersion, { error: 'is not a supported API version' });

export const endpointWritableFields = {
  url: zWebhookUrl(),
  enabled_events: zEnabledEvents(),
  description: zUnsettable(5000).optional(),
};
