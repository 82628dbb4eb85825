import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { ApiClient, ApiCallError } from './api-client.js';

export interface ListenOptions {
  forwardTo: string;
  apiKey: string;
  apiBase: string;
  events?: string[];
  /** Receiver timeout per forwarded event. */
  forwardTimeoutMs?: number;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** The headers a delivery carries that the forwarded request keeps (the signature stays valid: same body). */
const FORWARDED_HEADERS = ['content-type', 'user-agent', 'fluveo-signature', 'x-signature', 'webhook-id'];
const MAX_RELAY_BODY_BYTES = 2 * 1024 * 1024;

export interface ListenSession {
  endpointId: string;
  secret: string;
  relayUrl: string;
  stop(): Promise<void>;
}

/**
 * `railyard listen`: runs a small relay HTTP server on 127.0.0.1, registers a temporary webhook endpoint pointing
 * at it, and forwards every delivery — same body, same signature headers — to `forwardTo`, printing each event
 * and the receiver's answer. The receiver's status goes back to Railyard, so a failing receiver sees the normal
 * retry ladder. stop() deletes the endpoint.
 */
export async function startListening(options: ListenOptions): Promise<ListenSession> {
  const out = options.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = options.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  const forwardTo = parseForwardTo(options.forwardTo);
  const api = new ApiClient(options.apiBase, options.apiKey);
  const token = randomBytes(12).toString('hex');

  const relay = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== `/relay/${token}`) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_RELAY_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      void forward(body, req.headers).then(({ status, text }) => {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
      });
    });
  });

  async function forward(body: Buffer, incoming: http.IncomingHttpHeaders): Promise<{ status: number; text: string }> {
    let type = '?';
    let id = String(incoming['webhook-id'] ?? '?');
    try {
      const event = JSON.parse(body.toString('utf8')) as { type?: string; id?: string };
      type = event.type ?? type;
      id = event.id ?? id;
    } catch {
      // forwarded as received
    }
    out(`${timestamp()}  --> ${type} [${id}]`);
    const headers: Record<string, string> = {};
    for (const h of FORWARDED_HEADERS) {
      const v = incoming[h];
      if (typeof v === 'string') headers[h] = v;
    }
    try {
      const res = await fetch(forwardTo, {
        method: 'POST',
        headers,
        body: new Uint8Array(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(options.forwardTimeoutMs ?? 25_000),
      });
      const text = await res.text();
      out(`${timestamp()}  <-- [${res.status}] POST ${forwardTo.href} [${id}]`);
      return { status: res.status, text: text.slice(0, 1024) };
    } catch (e) {
      const reason = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
      err(`${timestamp()}  [ERROR] Failed to POST to ${forwardTo.href} [${id}]: ${reason}`);
      return { status: 502, text: `forward failed: ${reason}` };
    }
  }

  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (relay.address() as AddressInfo).port;
  const relayUrl = `http://127.0.0.1:${port}/relay/${token}`;

  let endpoint: { id: string; secret: string };
  try {
    endpoint = await api.call<{ id: string; secret: string }>('POST', '/v1/webhook_endpoints', {
      url: relayUrl,
      enabled_events: options.events && options.events.length ? options.events : ['*'],
      description: `railyard listen → ${forwardTo.href} (temporary)`,
      metadata: { railyard_listen: 'true' },
    });
  } catch (e) {
    relay.close();
    throw e;
  }

  let stopping: Promise<void> | undefined;
  return {
    endpointId: endpoint.id,
    secret: endpoint.secret,
    relayUrl,
    stop() {
      stopping ??= (async () => {
        try {
          await api.call('DELETE', `/v1/webhook_endpoints/${endpoint.id}`);
        } catch (e) {
          err(`Could not delete the temporary endpoint ${endpoint.id}: ${e instanceof ApiCallError ? e.message : String(e)}`);
        }
        relay.closeAllConnections();
        await new Promise<void>((r) => relay.close(() => r()));
      })();
      return stopping;
    },
  };
}

/** `3000` → http://localhost:3000/, `localhost:3000/hooks` → http://localhost:3000/hooks; full URLs as given. */
export function parseForwardTo(value: string): URL {
  const text = /^\d{1,5}$/.test(value) ? `http://localhost:${value}` : /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--forward-to is not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('--forward-to must be an http:// or https:// URL.');
  return url;
}

function timestamp(): string {
  return new Date().toISOString().replace('T', ' ').slice(0, 19);
}
