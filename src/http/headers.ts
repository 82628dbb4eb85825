import type { IncomingMessage } from 'node:http';

/**
 * A request header as sent: undefined when absent, the value when sent once, every value when sent more than once.
 * Node joins repeated headers with ", " (or keeps only the first, for Authorization), which would turn two
 * Idempotency-Keys into one new key; the raw header list tells them apart.
 */
export function headerValues(raw: Pick<IncomingMessage, 'rawHeaders'>, name: string): string | string[] | undefined {
  const values: string[] = [];
  const lower = name.toLowerCase();
  const headers = raw.rawHeaders;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (headers[i]?.toLowerCase() === lower) values.push(headers[i + 1] ?? '');
  }
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : values;
}
