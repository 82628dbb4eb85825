/** Renders the benchmark charts (SVG written by the scripts) to PNG with the system's chromium, when present. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function renderPng(svgPath: string, pngPath: string, width: number, height: number): boolean {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!chromium) return false;
  const profile = mkdtempSync(join(tmpdir(), 'railyard-chart-'));
  try {
    execFileSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        `--window-size=${width},${height}`,
        `--screenshot=${pngPath}`,
        `file://${svgPath}`,
      ],
      { stdio: 'ignore', timeout: 60_000 },
    );
    return existsSync(pngPath);
  } catch {
    return false;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** A line chart of one series over time: x in seconds, y in the series' unit, with a light grid. */
export function lineChartSvg(title: string, unit: string, points: { x: number; y: number }[], width = 900, height = 360): string {
  const left = 60;
  const right = 20;
  const top = 40;
  const bottom = 40;
  const maxX = Math.max(1, ...points.map((p) => p.x));
  const maxY = Math.max(1, ...points.map((p) => p.y)) * 1.1;
  const px = (x: number) => left + (x / maxX) * (width - left - right);
  const py = (y: number) => top + (1 - y / maxY) * (height - top - bottom);
  const step = Math.pow(10, Math.floor(Math.log10(maxY)));
  const gridStep = maxY / step > 5 ? step : step / 2;
  const grid: string[] = [];
  for (let y = 0; y <= maxY; y += gridStep) {
    grid.push(
      `<line x1="${left}" x2="${width - right}" y1="${py(y)}" y2="${py(y)}" stroke="#eee"/><text x="${left - 6}" y="${py(y) + 4}" text-anchor="end" font-size="11">${Math.round(y)}</text>`,
    );
  }
  const xTicks: string[] = [];
  const xStep = maxX > 300 ? 60 : maxX > 60 ? 30 : 10;
  for (let x = 0; x <= maxX; x += xStep) {
    xTicks.push(`<text x="${px(x)}" y="${height - bottom + 16}" text-anchor="middle" font-size="11">${x}</text>`);
  }
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><rect width="100%" height="100%" fill="#fff"/><text x="16" y="24" font-size="15" font-weight="bold">${title}</text>${grid.join('')}${xTicks.join('')}<text x="${(width + left) / 2}" y="${height - 6}" text-anchor="middle" font-size="11">seconds</text><text x="14" y="${top + 10}" font-size="11">${unit}</text><path d="${path}" fill="none" stroke="#2a6fdb" stroke-width="2"/></svg>`;
}
