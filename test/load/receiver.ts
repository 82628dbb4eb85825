import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verifySignature } from '../../src/lib/webhook-signature.js';

/**
 * A live webhook receiver for the crash and cluster scripts: one local HTTP server, one path per webhook
 * endpoint (`/hooks/<name>`). It answers 200 at once, checks every signature against the endpoint's secret and
 * counts deliveries by (endpoint, Webhook-Id).
 */
interface Delivery {
  raw: Buffer;
  header: string | string[] | undefined;
  eventId: string;
  /** When it arrived (its signature's freshness is judged then). */
  atS: number;
}

export class WebhookReceiver {
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly secrets = new Map<string, string>();
  /** Deliveries for an endpoint whose secret is not known yet. */
  private readonly early = new Map<string, Delivery[]>();
  /** endpoint name → event id → deliveries received. */
  readonly counts = new Map<string, Map<string, number>>();
  deliveries = 0;
  private rejected = 0;
  /** Deliveries that failed their signature check, or whose endpoint's secret was never given. */
  get badSignatures(): number {
    let early = 0;
    for (const list of this.early.values()) early += list.length;
    return this.rejected + early;
  }
  /** Deliveries whose body's `id` differs from the Webhook-Id header. */
  mismatchedIds = 0;
  port = 0;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const name = /^\/hooks\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1];
        const delivery = {
          raw: Buffer.concat(chunks),
          header: req.headers['fluveo-signature'],
          eventId: String(req.headers['webhook-id'] ?? ''),
          atS: Math.floor(Date.now() / 1000),
        };
        if (name && !this.secrets.has(name)) {
          // The endpoint's first events can arrive before its create response has given the script the secret:
          // checked when the secret is set.
          const early = this.early.get(name) ?? [];
          early.push(delivery);
          this.early.set(name, early);
        } else {
          this.account(name, delivery);
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

  /** Checks one delivery's signature and counts it by (endpoint, Webhook-Id). */
  private account(name: string | undefined, d: Delivery): void {
    const secret = name ? this.secrets.get(name) : undefined;
    if (!name || !secret || !verifySignature(d.raw, d.header, secret, undefined, d.atS)) {
      // Answered 200 anyway: a signature problem is reported by the script, not turned into retries.
      this.rejected++;
      return;
    }
    let id: unknown;
    try {
      id = (JSON.parse(d.raw.toString('utf8')) as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    if (id !== d.eventId) this.mismatchedIds++;
    let byEvent = this.counts.get(name);
    if (!byEvent) this.counts.set(name, (byEvent = new Map()));
    byEvent.set(d.eventId, (byEvent.get(d.eventId) ?? 0) + 1);
    this.deliveries++;
  }

  /** The URL to register for endpoint `name`. */
  urlFor(name: string): string {
    return `http://127.0.0.1:${this.port}/hooks/${name}`;
  }

  /** The signing secret (`whsec_…`) of endpoint `name`, once the endpoint exists. */
  setSecret(name: string, secret: string): void {
    this.secrets.set(name, secret);
    for (const delivery of this.early.get(name) ?? []) this.account(name, delivery);
    this.early.delete(name);
  }

  received(name: string): Map<string, number> {
    return this.counts.get(name) ?? new Map<string, number>();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
