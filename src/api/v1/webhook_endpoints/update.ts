import { z } from 'zod';
import { updateWebhookEndpoint } from '../../../domain/webhooks/update-webhook-endpoint.js';
import { defineEndpoint } from '../../../http/endpoint.js';
import { zBool, zMetadata } from '../../../http/params.js';
import { AppError } from '../../../lib/errors.js';
import { endpointWritableFields, webhookEndpointIdParams, webhookEndpointSchema } from './schema.js';

export const updateWebhookEndpointBody = z.strictObject({
  url: endpointWritableFields.url.optional(),
  enabled_events: endpointWritableFields.enabled_events.optional(),
  description: endpointWritableFields.description,
  metadata: zMetadata().optional(),
  status: z.enum(['enabled', 'disabled'], { error: "must be 'enabled' or 'disabled'" }).optional(),
  /** Stripe's spelling of `status`. */
  disabled: zBool().optional(),
});
export type UpdateWebhookEndpointRequest = z.input<typeof updateWebhookEndpointBody>;

export const updateWebhookEndpointEndpoint = defineEndpoint({
  method: 'POST',
  paths: ['/v1/webhook_endpoints/:id'],
  summary: 'Update a webhook endpoint (url, enabled_events, status or disabled, description, metadata)',
  tags: ['Webhook endpoints'],
  params: webhookEndpointIdParams,
  body: updateWebhookEndpointBody,
  response: webhookEndpointSchema,
  handler: ({ deps, actor, db, params, body }) => {
    const { disabled, ...rest } = body;
    const fromDisabled = disabled === undefined ? undefined : disabled ? 'disabled' : 'enabled';
    if (rest.status !== undefined && fromDisabled !== undefined && rest.status !== fromDisabled) {
      throw new AppError('parameter_invalid', '`status` and `disabled` disagree; send only one of them.', { param: 'disabled' });
    }
    return updateWebhookEndpoint({ deps, actor, db }, params.id, { ...rest, status: rest.status ?? fromDisabled });
  },
});
