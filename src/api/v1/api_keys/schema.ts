import { z } from 'zod';
import { zText } from '../../../http/params.js';

export const apiKeySchema = z
  .object({
    id: z.string(),
    object: z.literal('api_key'),
    name: z.string().nullable(),
    type: z.enum(['secret', 'publishable']),
    livemode: z.boolean(),
    prefix: z.string(),
    secret: z.string().optional().meta({ description: 'The full key, only in the create and roll responses (absent elsewhere).' }),
    created: z.int(),
    last_used_at: z.int().nullable(),
    revoked_at: z.int().nullable(),
    expires_at: z.int().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const apiKeyIdParams = z.strictObject({ id: zText(255) });
export const zKeyType = () => z.enum(['secret', 'publishable'], { error: "must be 'secret' or 'publishable'" });

/** Every /v1/api_keys call counts against the sensitive rate limit (10 per minute per merchant and mode). */
export const API_KEYS_TAGS = ['API keys'];
