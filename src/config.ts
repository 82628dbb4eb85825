import { z } from 'zod';
import { DEFAULT_POOL_SIZE } from './db/store.js';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4242),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().min(1).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(DEFAULT_POOL_SIZE),
  PUBLIC_URL: z.url().optional(),
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  IDEMPOTENCY_KEY: z.enum(['required', 'optional']).default('required'),
  RAILYARD_CLOCK: z.enum(['system']).default('system'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).optional(),
  JOBS: z.enum(['on', 'off']).default('on'),
  RAILYARD_SECRETS_KEY: z.string().regex(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'must be 32 bytes as 64 hex characters or base64').optional(),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /** PostgreSQL connections per process (docs/deploy.md); SQLite ignores it. */
  databasePoolSize: number;
  publicUrl: string;
  rateLimits: boolean;
  idempotencyKeyRequired: boolean;
  logLevel: string;
  webhookAllowPrivate: boolean | undefined;
  jobs: boolean;
  /** Key that encrypts stored webhook signing secrets; unset → a key file under the data directory (docs/webhooks.md). */
  secretsKey: string | undefined;
}

/** The only place that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Invalid environment: ${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? 'sqlite:./data/railyard.db',
    databasePoolSize: e.DATABASE_POOL_SIZE,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    rateLimits: e.RATE_LIMITS === 'on',
    idempotencyKeyRequired: e.IDEMPOTENCY_KEY === 'required',
    logLevel: e.LOG_LEVEL,
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE === undefined ? undefined : e.WEBHOOK_ALLOW_PRIVATE === 'true',
    jobs: e.JOBS === 'on',
    secretsKey: e.RAILYARD_SECRETS_KEY,
  };
}
