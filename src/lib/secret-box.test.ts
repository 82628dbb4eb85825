import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyFilePath, secretBox } from '../domain/webhooks/secrets-key.js';
import { parseSecretsKey, SecretBox } from './secret-box.js';

describe('secret box', () => {
  it('seals and opens; every seal differs; tampering and a wrong key are refused', () => {
    const box = new SecretBox(randomBytes(32));
    const a = box.seal('whsec_abc');
    const b = box.seal('whsec_abc');
    expect(a).not.toBe(b);
    expect(a).not.toContain('whsec_abc');
    expect(box.open(a)).toBe('whsec_abc');
    const parts = a.split('.');
    parts[3] = Buffer.from('whsec_xyz').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(a)).toThrow(/another key/);
    expect(() => box.open('plain text')).toThrow(/Not a sealed secret/);
  });

  it('takes the key as hex or base64, and refuses anything else', () => {
    const key = randomBytes(32);
    expect(parseSecretsKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretsKey(key.toString('base64'))).toEqual(key);
    expect(() => parseSecretsKey('short')).toThrow(/32 bytes/);
  });

  it('creates a key file (mode 0600) beside the SQLite database, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'railyard-key-'));
    try {
      const databaseUrl = `sqlite:${join(dir, 'db', 'railyard.db')}`;
      const path = keyFilePath(databaseUrl);
      expect(path).toBe(join(dir, 'db', 'secrets.key'));
      const sealed = secretBox({ databaseUrl, secretsKey: undefined }).seal('whsec_1');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const key = readFileSync(path, 'utf8').trim();
      expect(new SecretBox(parseSecretsKey(key)).open(sealed)).toBe('whsec_1');
      const fromEnv = secretBox({ databaseUrl: 'postgres://x/y', secretsKey: key });
      expect(fromEnv.open(sealed)).toBe('whsec_1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
