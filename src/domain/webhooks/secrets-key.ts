import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.js';
import { describeDatabaseUrl } from '../../db/store.js';
import { parseSecretsKey, SecretBox } from '../../lib/secret-box.js';

export const SECRETS_KEY_FILE = 'secrets.key';

const boxes = new Map<string, SecretBox>();

/**
 * The SecretBox that seals webhook signing secrets at rest. The key comes from RAILYARD_SECRETS_KEY, else from
 * `secrets.key` in the data directory (beside the SQLite file, or `./data/` for PostgreSQL), created with mode 0600
 * on first use. Several nodes sharing one PostgreSQL must share the key (set the variable on every node).
 */
export function secretBox(config: Pick<Config, 'secretsKey' | 'databaseUrl'>): SecretBox {
  const source = config.secretsKey !== undefined ? `env:${config.secretsKey}` : `file:${keyFilePath(config.databaseUrl)}`;
  let box = boxes.get(source);
  if (!box) {
    box = new SecretBox(config.secretsKey !== undefined ? parseSecretsKey(config.secretsKey) : loadOrCreateKeyFile(keyFilePath(config.databaseUrl)));
    boxes.set(source, box);
  }
  return box;
}

export function keyFilePath(databaseUrl: string): string {
  const { engine, target } = describeDatabaseUrl(databaseUrl);
  const file = engine === 'sqlite' && target !== ':memory:' && target !== '' ? target : undefined;
  return join(file ? dirname(resolve(file)) : resolve('data'), SECRETS_KEY_FILE);
}

function loadOrCreateKeyFile(path: string): Buffer {
  try {
    return parseSecretsKey(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(path), { recursive: true });
  try {
    // `wx`: when two processes race to create the file, one wins and the other reads the winner's key.
    writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return parseSecretsKey(readFileSync(path, 'utf8'));
}
