import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, issueFormToken, originAllowed, pageHeaders, verifyFormToken } from './security.js';

const config = { secretsKey: 'a'.repeat(64), databaseUrl: 'sqlite::memory:' };
const NOW = 1_800_000_000;

describe('form tokens', () => {
  it('verify for the session, surface and nonce they were issued for, and no other', () => {
    const t = issueFormToken(config, 'cs_1', 'hosted', NOW);
    expect(verifyFormToken(config, 'cs_1', 'hosted', t.nonce, t.token, NOW + 60)).toBe(true);
    expect(verifyFormToken(config, 'cs_2', 'hosted', t.nonce, t.token, NOW)).toBe(false);
    expect(verifyFormToken(config, 'cs_1', 'embedded', t.nonce, t.token, NOW)).toBe(false);
    expect(verifyFormToken(config, 'cs_1', 'hosted', t.nonce.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), t.token, NOW)).toBe(false);
    expect(verifyFormToken({ ...config, secretsKey: 'b'.repeat(64) }, 'cs_1', 'hosted', t.nonce, t.token, NOW)).toBe(false);
    expect(verifyFormToken(config, 'cs_1', 'hosted', t.nonce, undefined, NOW)).toBe(false);
    expect(verifyFormToken(config, 'cs_1', 'hosted', t.nonce, ['x'], NOW)).toBe(false);
  });

  it('age out after 25 hours; cannot be back-dated by editing the issue time', () => {
    const t = issueFormToken(config, 'cs_1', 'hosted', NOW);
    expect(verifyFormToken(config, 'cs_1', 'hosted', t.nonce, t.token, NOW + 25 * 3600 + 1)).toBe(false);
    const [, mac] = t.token.split('.');
    expect(verifyFormToken(config, 'cs_1', 'hosted', t.nonce, `${NOW + 3600}.${mac}`, NOW + 3600)).toBe(false);
  });

  it('work with the key file beside the database when no key is configured', () => {
    const dir = mkdtempSync(join(tmpdir(), 'railyard-key-'));
    const fileConfig = { secretsKey: undefined, databaseUrl: `sqlite:${join(dir, 'db.sqlite')}` };
    const t = issueFormToken(fileConfig, 'cs_1', 'hosted', NOW);
    expect(verifyFormToken({ ...fileConfig }, 'cs_1', 'hosted', t.nonce, t.token, NOW)).toBe(true);
  });
});

describe('origin check', () => {
  it('accepts the host the browser used or PUBLIC_URL, refuses others and null', () => {
    expect(originAllowed(undefined, '127.0.0.1:4242', 'http://127.0.0.1:4242')).toBe(true);
    expect(originAllowed('http://127.0.0.1:4242', '127.0.0.1:4242', 'https://pay.example')).toBe(true);
    expect(originAllowed('https://pay.example', 'internal:8080', 'https://pay.example')).toBe(true);
    expect(originAllowed('https://evil.example', '127.0.0.1:4242', 'http://127.0.0.1:4242')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:4242', 'http://127.0.0.1:4242')).toBe(false);
  });
});

describe('page headers', () => {
  it('hosted pages cannot be framed; embedded ones only by the named origin', () => {
    expect(pageHeaders({ formTargets: [] })['X-Frame-Options']).toBe('DENY');
    const embedded = pageHeaders({ formTargets: [], frameAncestor: 'https://shop.example' });
    expect(embedded['X-Frame-Options']).toBeUndefined();
    expect(embedded['Content-Security-Policy']).toContain('frame-ancestors https://shop.example');
    expect(contentSecurityPolicy({ formTargets: ['https://a.example', 'https://a.example'] })).toContain("form-action 'self' https://a.example;");
  });
});
