import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './railyard-process.js';
import type { Report } from './invariants.js';

/** Writes a run's figures and checks as Markdown under bench/results/. */
export function writeResults(file: string, title: string, intro: string, report: Report, extra = ''): string {
  const dir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const lines = [
    `# ${title}`,
    '',
    intro,
    '',
    `Result: **${report.passed ? 'PASS' : 'FAIL'}** (${new Date().toISOString().slice(0, 19)}Z, Node ${process.version}, ${process.platform}/${process.arch})`,
    '',
    '## Figures',
    '',
    '| Figure | Value |',
    '|---|---|',
    ...[...report.figures].map(([k, v]) => `| ${k} | ${typeof v === 'number' ? v.toLocaleString('en-US') : v} |`),
    '',
    '## Checks',
    '',
    '| Check | Result | Detail |',
    '|---|---|---|',
    ...report.checks.map((c) => `| ${c.name} | ${c.ok ? 'pass' : '**FAIL**'} | ${c.detail.replace(/\|/g, '\\|')} |`),
    '',
  ];
  if (extra) lines.push(extra, '');
  const path = join(dir, file);
  writeFileSync(path, lines.join('\n'));
  return path;
}
