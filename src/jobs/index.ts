import type { Logger } from 'pino';
import type { Deps } from '../domain/context.js';
import { SessionExpiryJob } from './expire-sessions.js';
import { RetentionSweep } from './retention.js';
import { Scheduler } from './scheduler.js';
import { TableStatisticsJob } from './table-statistics.js';
import { WebhookWorker, type WebhookWorkerOptions } from './webhook-delivery.js';

export { Scheduler, type Job } from './scheduler.js';

export interface JobsOptions {
  pollMs?: number;
  webhooks?: WebhookWorkerOptions;
  logger?: Logger;
}

/**
 * The scheduler with every time-driven job of the server. A new job (session expiry, renewals…) is registered
 * here, or by the caller on the returned scheduler.
 */
export function createScheduler(deps: Deps, options: JobsOptions = {}): Scheduler {
  const scheduler = new Scheduler(deps.clock, options.logger ?? deps.logger, options.pollMs);
  scheduler.register(new WebhookWorker(deps, { ...options.webhooks, onProgress: () => scheduler.wake() }));
  scheduler.register(new RetentionSweep(deps));
  scheduler.register(new SessionExpiryJob(deps));
  scheduler.register(new TableStatisticsJob(deps));
  return scheduler;
}
