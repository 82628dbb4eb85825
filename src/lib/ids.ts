import { randomFillSync } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Digits and lowercase letters only: every collation orders them alike (see timeComponent). */
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const TIME_CHARS = 10;
const RANDOM_CHARS = 14;

/** Random bytes drawn from the system's CSPRNG a block at a time: one call per block, not per id. */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomByte(): number {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++] as number;
}

/** Random base62 text of the given length (rejection sampling: no modulo bias). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const b = randomByte();
    if (b < 248) out += BASE62.charAt(b % 62);
  }
  return out;
}

let lastMicros = 0;

/**
 * Time-ordered component: microseconds since the epoch in fixed-width base36 (good until the year 2085), strictly
 * increasing within this process. Two ids made in the same second therefore sort in creation order, which keeps
 * "newest first" lists stable without a sequence — under any database collation, because digits and lowercase
 * letters compare the same way in byte order (SQLite, PostgreSQL "C") and in linguistic ones (en_US and the like),
 * where mixed case would not. Across processes the order follows the wall clock only.
 */
function timeComponent(): string {
  let micros = Date.now() * 1000;
  if (micros <= lastMicros) micros = lastMicros + 1;
  lastMicros = micros;
  let s = '';
  let n = micros;
  for (let i = 0; i < TIME_CHARS; i++) {
    s = BASE36.charAt(n % 36) + s;
    n = Math.floor(n / 36);
  }
  return s;
}

/** A new object id: `prefix_` + 10 time-ordered base36 + 14 random base62 characters. */
export function newId(prefix: string): string {
  return `${prefix}_${timeComponent()}${randomBase62(RANDOM_CHARS)}`;
}

/** Ids we accept as path parameters: printable ASCII without separators, bounded length. */
export const ID_PATTERN = /^[A-Za-z0-9_]{1,255}$/;
