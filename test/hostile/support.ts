import { createHash } from 'node:crypto';
import http from 'node:http';
import { sql } from 'kysely';
import type { Store } from '../../src/db/store.js';
import { ERROR_CODES } from '../../src/lib/errors.js';
import { rawHttp } from '../protocol/support.js';
import type { FuzzRequest } from './fuzz-model.js';

/** Sending fuzz requests, checking their answers, and fingerprinting the database around them. */

export interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends one request over real HTTP (node:http, keep-alive agent) or, for raw ones, over a socket. */
export function send(baseUrl: string, agent: http.Agent, req: FuzzRequest): Promise<FuzzResponse> {
  if (req.kind === 'raw') {
    return rawHttp(baseUrl, req.raw ?? '').then((r) => ({ status: r.status, headers: r.headers, body: r.body }));
  }
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    const r = http.request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

/** Problems with one answer: a 5xx, a missing or inexact error envelope on a 4xx, a missing X-API-Version. */
export function answerProblems(req: FuzzRequest, res: FuzzResponse): string[] {
  const problems: string[] = [];
  if (res.status >= 500 || res.status < 100) problems.push(`status ${res.status}`);
  if (req.kind === 'http' && !res.headers['x-api-version']) problems.push('no X-API-Version header');
  if (res.status < 400 || req.method === 'HEAD') return problems;
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    return [...problems, 'error body is not JSON'];
  }
  const top = parsed as { error?: Record<string, unknown> };
  if (
    !top ||
    typeof top !== 'object' ||
    Object.keys(top).join() !== 'error' ||
    !top.error ||
    typeof top.error !== 'object'
  ) {
    return [...problems, 'body is not exactly {"error": {...}}'];
  }
  const err = top.error;
  const code = err.code as keyof typeof ERROR_CODES;
  const known = typeof code === 'string' ? ERROR_CODES[code] : undefined;
  if (!known) return [...problems, `unknown error code ${String(err.code)}`];
  if (known.type !== err.type) problems.push(`type ${String(err.type)} for code ${code}`);
  if (known.status !== res.status) problems.push(`status ${res.status} for code ${code} (expected ${known.status})`);
  if (typeof err.message !== 'string' || err.message.length === 0) problems.push('message is not a non-empty string');
  if (!('param' in err) || (err.param !== null && typeof err.param !== 'string'))
    problems.push('param is not a string or null');
  if (err.doc_url !== `https://docs.leanrails.com/errors/${code === 'card_declined' ? 'decline-codes' : code}`)
    problems.push('bad doc_url');
  const extra = Object.keys(err).filter((k) => !['type', 'code', 'message', 'param', 'doc_url'].includes(k));
  // A decline carries its decline_code and the PaymentIntent (decisions.md §4); every other error is the exact envelope.
  if (extra.length > 0 && code !== 'card_declined') problems.push(`extra envelope fields ${extra.join(',')}`);
  if (/\bat .+\.(ts|js):\d+/.test(res.body) || /node_modules|\/src\//.test(res.body))
    problems.push('stack trace or path in the body');
  return problems;
}

/** True when an answer may have committed something: an accepted write, or a stored decline. */
export function mayHaveWritten(req: FuzzRequest, res: FuzzResponse): boolean {
  if (res.status === 402) return true;
  if (res.status >= 400) return false;
  return req.method !== 'GET' && req.method !== 'HEAD';
}

export async function tableNames(store: Store): Promise<string[]> {
  const rows =
    store.engine === 'sqlite'
      ? await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(
          store.db,
        )
      : await sql<{
          name: string;
        }>`select tablename as name from pg_tables where schemaname = 'public' order by tablename`.execute(store.db);
  return rows.rows.map((r) => r.name);
}

/** Row counts of every table, in one query. */
export async function rowCounts(store: Store, tables: string[]): Promise<Record<string, number>> {
  const union = tables.map((t) => `select '${t}' as t, count(*) as n from "${t}"`).join(' union all ');
  const rows = await sql<{ t: string; n: number | string }>`${sql.raw(union)}`.execute(store.db);
  return Object.fromEntries(rows.rows.map((r) => [r.t, Number(r.n)]));
}

/**
 * Columns a request may legitimately change without writing anything of its own: `api_keys.last_used_at` is
 * refreshed (at most once a minute) by authentication itself, whatever the request then answers.
 */
const VOLATILE: Record<string, string[]> = { api_keys: ['last_used_at'] };

/** A SHA-256 over every row of every table (rows sorted, volatile columns left out). */
export async function contentHash(store: Store, tables: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const t of tables) {
    const rows = await sql<Record<string, unknown>>`${sql.raw(`select * from "${t}"`)}`.execute(store.db);
    const skip = new Set(VOLATILE[t] ?? []);
    const lines = rows.rows
      .map((row) =>
        JSON.stringify(
          Object.keys(row)
            .filter((k) => !skip.has(k))
            .sort()
            .map((k) => [
              k,
              row[k] instanceof Date
                ? (row[k] as Date).toISOString()
                : Buffer.isBuffer(row[k])
                  ? (row[k] as Buffer).toString('hex')
                  : row[k],
            ]),
        ),
      )
      .sort();
    hash.update(`${t}\n${lines.join('\n')}\n`);
  }
  return hash.digest('hex');
}

/** Every row of every table as text, for "this secret is nowhere at rest" scans. */
export async function dumpDatabase(store: Store): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of await tableNames(store)) {
    const rows = await sql<Record<string, unknown>>`${sql.raw(`select * from "${t}"`)}`.execute(store.db);
    out[t] = rows.rows
      .map((row) =>
        Object.entries(row)
          .map(
            ([k, v]) =>
              `${k}=${Buffer.isBuffer(v) ? `${v.toString('utf8')} ${v.toString('hex')}` : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`,
          )
          .join(' '),
      )
      .join('\n');
  }
  return out;
}
