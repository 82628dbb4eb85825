import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verifySignature } from '../../src/lib/webhook-signature.js';

/**
 * A live webhook receiver for the crash and cluster scripts: one local HTTP server, one path per webhook
 * endpoint (`/hooks/<name>`). It answers 200 at once, checks every signature against the endpoint's secret and
 * counts deliveries by (endpoint, Webhook-Id).
 */
export class WebhookReceiver {
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly secrets = new Map<string, string>();
  /** endpoint name → event id → deliveries received. */
  readonly counts = new Map<string, Map<string, number>>();
  deliveries = 0;
  badSignatures = 0;
  /** Deliveries whose body's `id` differs from the Webhook-Id header. */
  mismatchedIds = 0;
  port = 0;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const name = /^\/hooks\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1];
        const secret = name ? this.secrets.get(name) : undefined;
        const raw = Buffer.concat(chunks);
        const eventId = String(req.headers['webhook-id'] ?? '');
        if (!name || !secret || !verifySignature(raw, req.headers['fluveo-signature'], secret)) {
          // Answer 200 anyway: a signature problem is reported by the script, not turned into retries.
          this.badSignatures++;
        } else {
          let id: unknown;
          try {
            id = (JSON.parse(raw.toString('utf8')) as { id?: unknown }).id;
          } catch {
            id = undefined;
          }
          if (id !== eventId) this.mismatchedIds++;
          let byEvent = this.counts.get(name);
          if (!byEvent) this.counts.set(name, (byEvent = new Map()));
          byEvent.set(eventId, (byEvent.get(eventId) ?? 0) + 1);
          this.deliveries++;
        }
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** The URL to register for endpoint `name`. */
  urlFor(name: string): string {
    return `http://127.0.0.1:${this.port}/hooks/${name}`;
  }

  /** The signing secret (`whsec_…`) of endpoint `name`, once the endpoint exists. */
  setSecret(name: string, secret: string): void {
    this.secrets.set(name, secret);
  }

  received(name: string): Map<string, number> {
    return this.counts.get(name) ?? new Map<string, number>();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
