import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './net-policy.js';

/**
 * One outbound POST with hard limits, for webhook deliveries: redirects are never followed (a 3xx is an http_error),
 * the whole exchange must finish within `timeoutMs`, and at most `maxResponseBytes` of the response are read (a
 * larger body is cut off and the status decides — a 10 MB answer is never buffered, and a 2xx is still a success).
 */
export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Connect only to these (already checked) addresses: DNS is not asked again, so it cannot be rebound. */
  addresses?: ResolvedAddress[];
}

export type FailureCode = 'http_error' | 'timeout' | 'connection_failed' | 'destination_rejected';

export interface OutboundResult {
  /** 2xx within the time limit. */
  ok: boolean;
  status: number | null;
  failureCode: FailureCode | null;
  /** A short, human-readable cause for a failure (null on success). */
  reason: string | null;
  /** The first bytes of the response body (at most EXCERPT_BYTES), as received. */
  body: string;
  latencyMs: number;
}

export type OutboundTransport = (request: OutboundRequest) => Promise<OutboundResult>;

export const EXCERPT_BYTES = 1024;

const agentOptions = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: 60_000 };
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);

function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  let next = 0;
  return (_hostname, options, callback) => {
    const wanted = typeof options === 'object' && options ? options.family : undefined;
    const pool = wanted === 4 || wanted === 6 ? addresses.filter((a) => a.family === wanted) : addresses;
    if (typeof options === 'object' && options?.all) {
      (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, pool);
      return;
    }
    const pick = pool[next++ % Math.max(pool.length, 1)];
    if (!pick) {
      const err = Object.assign(new Error('no address of the requested family'), { code: 'ENOTFOUND' });
      callback(err, '', 4);
      return;
    }
    callback(null, pick.address, pick.family);
  };
}

const now = () => performance.now();

/** The default transport: node's http/https with keep-alive agents. */
export const nodeTransport: OutboundTransport = (req) =>
  new Promise<OutboundResult>((resolvePromise) => {
    const started = now();
    const url = new URL(req.url);
    const client = url.protocol === 'https:' ? https : http;
    let settled = false;
    let status: number | null = null;
    const chunks: Buffer[] = [];
    let excerptBytes = 0;
    let total = 0;

    const finish = (result: Omit<OutboundResult, 'latencyMs' | 'body' | 'status'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise({ ...result, status, body: Buffer.concat(chunks).toString('utf8'), latencyMs: Math.round(now() - started) });
    };
    const fail = (failureCode: FailureCode, reason: string) => finish({ ok: false, failureCode, reason });

    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...req.headers, 'Content-Length': String(Buffer.byteLength(req.body)) },
        agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
        ...(req.addresses && req.addresses.length ? { lookup: pinnedLookup(req.addresses) } : {}),
      },
      (response) => {
        status = response.statusCode ?? null;
        response.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (excerptBytes < EXCERPT_BYTES) {
            const part = chunk.subarray(0, EXCERPT_BYTES - excerptBytes);
            chunks.push(part);
            excerptBytes += part.length;
          }
          if (total > req.maxResponseBytes) {
            // Enough read: the status decides, the rest of the body is dropped.
            conclude();
            response.destroy();
            request.destroy();
          }
        });
        const conclude = () => {
          const code = status ?? 0;
          if (code >= 200 && code < 300) return finish({ ok: true, failureCode: null, reason: null });
          if (code >= 300 && code < 400) {
            const location = response.headers.location;
            return fail('http_error', `The receiver answered ${code}${location ? ` (to ${location.slice(0, 200)})` : ''}; redirects are not followed.`);
          }
          return fail('http_error', `The receiver answered ${code}; a 2xx status is expected.`);
        };
        response.on('error', (err) => fail('connection_failed', `The connection failed while reading the response: ${describe(err)}.`));
        response.on('aborted', () => fail('connection_failed', 'The receiver closed the connection before the response was complete.'));
        response.on('end', conclude);
      },
    );
    const timer = setTimeout(() => {
      fail('timeout', `No complete response within ${req.timeoutMs} ms.`);
      request.destroy();
    }, req.timeoutMs);
    request.on('error', (err) => fail('connection_failed', `The connection failed: ${describe(err)}.`));
    request.on('close', () => {
      if (!settled) fail('connection_failed', 'The receiver closed the connection without a complete response.');
    });
    request.end(req.body);
  });

function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  const message = err.message.slice(0, 200);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
