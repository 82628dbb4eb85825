import { randomUUID } from 'node:crypto';

export const DEFAULT_API_BASE = 'http://127.0.0.1:4242';

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

/** A minimal JSON client for the CLI's own calls to a Railyard server (Basic auth, an Idempotency-Key per POST). */
export class ApiClient {
  private readonly base: string;

  constructor(
    base: string,
    private readonly key: string,
  ) {
    this.base = base.replace(/\/+$/, '');
  }

  async call<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Basic ${Buffer.from(`${this.key}:`).toString('base64')}` };
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      headers['idempotency-key'] = `cli-${randomUUID()}`;
    }
    let res: Response;
    try {
      res = await fetch(this.base + path, { method, headers, body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined });
    } catch (err) {
      throw new ApiCallError(0, `Cannot reach ${this.base} (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}). Is the server running?`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const e = (parsed as { error?: { message?: string; param?: string | null } } | undefined)?.error;
      throw new ApiCallError(res.status, `${method} ${path} → ${res.status}: ${e?.message ?? text.slice(0, 200)}${e?.param ? ` (param: ${e.param})` : ''}`);
    }
    return parsed as T;
  }
}
