import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Deps } from '../domain/context.js';

/** Latency buckets in seconds. */
const BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Histogram {
  buckets: number[];
  count: number;
  sum: number;
}

/** A value read when /metrics is scraped (queue depth, lag…); undefined means "not available". */
export type GaugeReader = () => Promise<number | undefined>;

/**
 * A small Prometheus registry: request counts and latency histograms by route and status, plus gauges read on
 * scrape. Exposition format 0.0.4 (text). Kept in the process; each node of a cluster exposes its own.
 */
export class Metrics {
  private requests = new Map<string, number>();
  private latency = new Map<string, Histogram>();
  private gauges = new Map<string, { help: string; read: GaugeReader }>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const labels = `method="${method}",route="${escapeLabel(route)}",status="${status}"`;
    this.requests.set(labels, (this.requests.get(labels) ?? 0) + 1);
    const hLabels = `method="${method}",route="${escapeLabel(route)}"`;
    let h = this.latency.get(hLabels);
    if (!h) {
      h = { buckets: BUCKETS_S.map(() => 0), count: 0, sum: 0 };
      this.latency.set(hLabels, h);
    }
    h.count += 1;
    h.sum += seconds;
    BUCKETS_S.forEach((b, i) => {
      if (seconds <= b) h.buckets[i] = (h.buckets[i] ?? 0) + 1;
    });
  }

  gauge(name: string, help: string, read: GaugeReader): void {
    this.gauges.set(name, { help, read });
  }

  async render(): Promise<string> {
    const out: string[] = [];
    out.push('# HELP railyard_http_requests_total HTTP requests by method, route and status.');
    out.push('# TYPE railyard_http_requests_total counter');
    for (const [labels, n] of this.requests) out.push(`railyard_http_requests_total{${labels}} ${n}`);
    out.push('# HELP railyard_http_request_duration_seconds HTTP request latency by method and route.');
    out.push('# TYPE railyard_http_request_duration_seconds histogram');
    for (const [labels, h] of this.latency) {
      BUCKETS_S.forEach((b, i) => out.push(`railyard_http_request_duration_seconds_bucket{${labels},le="${b}"} ${h.buckets[i] ?? 0}`));
      out.push(`railyard_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
      out.push(`railyard_http_request_duration_seconds_sum{${labels}} ${h.sum}`);
      out.push(`railyard_http_request_duration_seconds_count{${labels}} ${h.count}`);
    }
    for (const [name, g] of this.gauges) {
      let value: number | undefined;
      try {
        value = await g.read();
      } catch {
        value = undefined;
      }
      if (value === undefined) continue;
      out.push(`# HELP ${name} ${g.help}`);
      out.push(`# TYPE ${name} gauge`);
      out.push(`${name} ${value}`);
    }
    const mem = process.memoryUsage();
    out.push('# HELP railyard_process_resident_memory_bytes Resident set size.');
    out.push('# TYPE railyard_process_resident_memory_bytes gauge');
    out.push(`railyard_process_resident_memory_bytes ${mem.rss}`);
    return out.join('\n') + '\n';
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Counts every response by its route pattern (never the raw URL: ids would explode the label set). */
export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route !== '/metrics') metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics.render()),
  );
}

/** The registry with the gauges every node exposes: the webhook queue depth and the session-expiry lag. */
export function createMetrics(deps: Deps): Metrics {
  const metrics = new Metrics();
  const count = async (table: string, column: string, op: 'is' | '=', value: string | null) => {
    const row = (await deps.store.db
      .selectFrom(table)
      .select(sql<number>`count(*)`.as('n'))
      .where(column, op, value)
      .executeTakeFirst()) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  };
  metrics.gauge('railyard_webhook_deliveries_pending', 'Webhook deliveries waiting for an attempt (all merchants).', () =>
    count('webhook_deliveries', 'status', '=', 'pending'),
  );
  metrics.gauge('railyard_event_outbox_pending', 'Events not yet fanned out to webhook endpoints.', () =>
    count('event_outbox', 'dispatched_at', 'is', null),
  );
  metrics.gauge(
    'railyard_checkout_expiry_lag_seconds',
    'How far past its expires_at the oldest still-open live-mode session is (0 when none is overdue).',
    async () => {
      const now = Math.floor(deps.clock.nowMs() / 1000);
      const row = (await deps.store.db
        .selectFrom('checkout_sessions')
        .select(sql<number | null>`min(expires_at)`.as('oldest'))
        .where('status', '=', 'open')
        .where('livemode', '=', 1)
        .executeTakeFirst()) as { oldest: number | null } | undefined;
      const oldest = row?.oldest;
      return oldest === null || oldest === undefined ? 0 : Math.max(0, now - oldest);
    },
  );
  return metrics;
}
