import { describe, expect, it } from 'vitest';
import { checkTarget, classifyAddress, targetPolicy, TargetRefused, type ResolveHost } from './net-policy.js';

describe('address classification', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.169.254', 'link_local'],
    ['0.0.0.0', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.1.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::a9fe:a9fe', 'link_local'],
    ['fd12:3456::1', 'private'],
    ['fc00::1', 'private'],
    ['fe80::1%eth0', 'link_local'],
    ['ff02::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['2001:db8::1', 'reserved'],
    ['not-an-ip', 'reserved'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});

describe('target checks', () => {
  const dns: ResolveHost = (host) =>
    host === 'rebind.example' ? Promise.resolve([{ address: '10.0.0.7', family: 4 }]) : Promise.resolve([{ address: '93.184.216.34', family: 4 }]);
  const live = targetPolicy(undefined, true);
  const test = targetPolicy(undefined, false);

  it('live mode: public only, by literal, by name and by resolution', async () => {
    await expect(checkTarget(new URL('https://shop.example/hook'), live, dns)).resolves.toEqual([{ address: '93.184.216.34', family: 4 }]);
    await expect(checkTarget(new URL('https://rebind.example/hook'), live, dns)).rejects.toThrow(/private network address \(10\.0\.0\.7\)/);
    await expect(checkTarget(new URL('http://localhost:3000/'), live, dns)).rejects.toBeInstanceOf(TargetRefused);
    await expect(checkTarget(new URL('http://app.localhost/'), live, dns)).rejects.toBeInstanceOf(TargetRefused);
    await expect(checkTarget(new URL('http://localhost.:3000/'), live, dns)).rejects.toBeInstanceOf(TargetRefused);
    await expect(checkTarget(new URL('http://app.localhost../'), live, dns)).rejects.toBeInstanceOf(TargetRefused);
    await expect(checkTarget(new URL('http://0x7f.1/'), live, dns)).rejects.toBeInstanceOf(TargetRefused);
  });

  it('test mode: loopback and private allowed, link-local not; the operator switch decides otherwise', async () => {
    await expect(checkTarget(new URL('http://127.0.0.1:3000/'), test, dns)).resolves.toHaveLength(1);
    await expect(checkTarget(new URL('https://rebind.example/'), test, dns)).resolves.toHaveLength(1);
    await expect(checkTarget(new URL('http://169.254.169.254/'), test, dns)).rejects.toThrow(/link-local/);
    await expect(checkTarget(new URL('http://169.254.169.254/'), targetPolicy(true, true), dns)).resolves.toHaveLength(1);
    await expect(checkTarget(new URL('http://127.0.0.1/'), targetPolicy(false, false), dns)).rejects.toThrow(/loopback/);
    await expect(checkTarget(new URL('http://0.0.0.0/'), targetPolicy(true, false), dns)).rejects.toThrow(/reserved/);
  });

  it('reports a host that does not resolve as unresolvable', async () => {
    const failing: ResolveHost = () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }));
    const err = await checkTarget(new URL('https://nowhere.example/'), live, failing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetRefused);
    expect((err as TargetRefused).kind).toBe('unresolvable');
  });
});
