import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { sleep } from './railyard-process.js';

/**
 * The client side of the crash and cluster scripts: every POST gets an Idempotency-Key and a journal entry before
 * it is sent. A request without an answer (the server died, the connection broke) is "unacknowledged" and is sent
 * again with the same key until it gets one — the retry discipline the idempotency contract is for. A 409
 * `idempotency_key_in_use` is retried too; so is a 5xx (counted: none is expected).
 */

export interface Ack {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** The answer carried Idempotent-Replayed: true (the first attempt had committed, its answer was lost). */
  replayed: boolean;
  /** The base URL that answered. */
  base: string;
}

export interface Entry {
  seq: number;
  label: string;
  path: string;
  body: unknown;
  apiKey: string;
  key: string;
  /** HTTP attempts made. */
  attempts: number;
  /** Attempts that got no answer: sent, then the connection broke (the server died with the request in flight). */
  unanswered: number;
  /** Attempts refused at connect (no server listening): they never reached a server. */
  refused: number;
  inUse: number;
  serverErrors: number;
  /** The attempt number whose answer was lost first. */
  firstLost: number;
  ack?: Ack;
}

export interface JournalStats {
  requests: number;
  httpAttempts: number;
  /** Requests whose answer was lost at least once (in flight when a server died). */
  unacknowledged: number;
  /** Attempts after a lost answer: the same request sent again with its key (refused connects included). */
  replays: number;
  /** Attempts refused at connect while no server was listening. */
  refused: number;
  /** Acknowledgements that were stored replays (the first attempt had committed before its answer was lost). */
  replayedAnswers: number;
  inUse409: number;
  serverErrors5xx: number;
}

export interface JournalOptions {
  /** The base URL for an attempt (round-robin, skipping dead nodes…). */
  pickBase: (entry: Entry, attempt: number) => string;
  /** Give up on a request that got no answer for this long. */
  giveUpMs?: number;
  /** Appends every acknowledged entry as a JSON line (for post-mortems). */
  logFile?: string;
}

export class Journal {
  readonly entries: Entry[] = [];
  /** Requests on the wire right now, by base URL. */
  readonly inFlight = new Map<string, number>();
  private readonly prefix = `j-${randomBytes(4).toString('hex')}`;

  constructor(private readonly options: JournalOptions) {}

  /** Sends one POST until it is acknowledged with a final answer (anything but 409-in-use and 5xx). */
  async post(label: string, apiKey: string, path: string, body: unknown, key?: string): Promise<Ack> {
    const entry: Entry = {
      seq: this.entries.length,
      label,
      path,
      body,
      apiKey,
      key: key ?? `${this.prefix}-${this.entries.length}-${randomBytes(3).toString('hex')}`,
      attempts: 0,
      unanswered: 0,
      refused: 0,
      inUse: 0,
      serverErrors: 0,
      firstLost: 0,
    };
    this.entries.push(entry);
    const giveUpAt = () => Date.now() + (this.options.giveUpMs ?? 60_000);
    let deadline = giveUpAt();
    for (;;) {
      const base = this.options.pickBase(entry, entry.attempts);
      entry.attempts++;
      let res: Response;
      let text: string;
      this.inFlight.set(base, (this.inFlight.get(base) ?? 0) + 1);
      try {
        res = await fetch(base + path, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
            'content-type': 'application/json',
            'idempotency-key': entry.key,
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(20_000),
        });
        text = await res.text();
      } catch (err) {
        if (connectRefused(err)) entry.refused++;
        else if (entry.unanswered++ === 0) entry.firstLost = entry.attempts;
        if (Date.now() > deadline)
          throw new Error(`${label} ${path}: no answer for ${this.options.giveUpMs ?? 60_000} ms`);
        await sleep(100 + Math.random() * 100);
        continue;
      } finally {
        this.inFlight.set(base, (this.inFlight.get(base) ?? 1) - 1);
      }
      deadline = giveUpAt();
      if (res.status === 409) {
        entry.inUse++;
        await sleep(150 + Math.random() * 150);
        continue;
      }
      if (res.status >= 500) {
        entry.serverErrors++;
        if (entry.serverErrors > 20) throw new Error(`${label} ${path}: ${res.status} ${text.slice(0, 300)}`);
        await sleep(200);
        continue;
      }
      entry.ack = {
        status: res.status,
        text,
        body: parse(text),
        replayed: res.headers.get('idempotent-replayed') === 'true',
        base,
      };
      if (this.options.logFile) {
        appendFileSync(
          this.options.logFile,
          `${JSON.stringify({ seq: entry.seq, label, path, key: entry.key, attempts: entry.attempts, unanswered: entry.unanswered, status: res.status, replayed: entry.ack.replayed, id: entry.ack.body?.id ?? null })}\n`,
        );
      }
      return entry.ack;
    }
  }

  stats(): JournalStats {
    const s: JournalStats = {
      requests: 0,
      httpAttempts: 0,
      unacknowledged: 0,
      replays: 0,
      refused: 0,
      replayedAnswers: 0,
      inUse409: 0,
      serverErrors5xx: 0,
    };
    for (const e of this.entries) {
      s.requests++;
      s.httpAttempts += e.attempts;
      if (e.unanswered > 0) {
        s.unacknowledged++;
        s.replays += e.attempts - e.firstLost;
      }
      s.refused += e.refused;
      if (e.ack?.replayed) s.replayedAnswers++;
      s.inUse409 += e.inUse;
      s.serverErrors5xx += e.serverErrors;
    }
    return s;
  }
}

/** Sends an acknowledged entry again with its key: it must be a stored replay, byte for byte. */
export async function replayEntry(
  base: string,
  entry: Entry,
): Promise<{ status: number; text: string; replayed: boolean }> {
  const res = await fetch(base + entry.path, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${entry.apiKey}:`).toString('base64')}`,
      'content-type': 'application/json',
      'idempotency-key': entry.key,
    },
    body: JSON.stringify(entry.body),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, text: await res.text(), replayed: res.headers.get('idempotent-replayed') === 'true' };
}

/** A GET with a secret key. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function getJson(base: string, apiKey: string, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, {
    headers: { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}` },
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  return { status: res.status, body: parse(text) };
}

/** Runs fn over items with at most `width` at once. */
export async function pool<T>(
  items: readonly T[],
  width: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i] as T, i);
      }
    }),
  );
}

function connectRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code === 'ECONNREFUSED' || (cause?.errors?.some((e) => e.code === 'ECONNREFUSED') ?? false);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
