import { readFileSync } from 'node:fs';

/**
 * The Node.js options `npm start` gives the server (package.json's `start` script, e.g. the young generation's size),
 * so that the benchmarks run the server as a user does.
 */
export function startNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts?: { start?: string } };
  const words = (pkg.scripts?.start ?? '').split(/\s+/);
  const entry = words.indexOf('bin/railyard.js');
  return words.slice(1, entry === -1 ? 1 : entry).filter((w) => w.startsWith('--'));
}
