import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Asset {
  body: Buffer;
  contentType: string;
  /** A digest of the content: the `?v=` of the page's links (cache busting) and the ETag. */
  version: string;
}

function load(file: string, contentType: string): Asset {
  const body = readFileSync(new URL(`./assets/${file}`, import.meta.url));
  return { body, contentType, version: createHash('sha256').update(body).digest('hex').slice(0, 12) };
}

/** The checkout pages' own stylesheet and script, read once at start. */
export const PAGE_ASSETS: Readonly<Record<string, Asset>> = {
  'checkout.css': load('checkout.css', 'text/css; charset=utf-8'),
  'checkout.js': load('checkout.js', 'text/javascript; charset=utf-8'),
};

/** The embedding script a merchant's page loads (`/v1/checkout.js`). */
export const EMBED_SCRIPT: Asset = load('embed.js', 'text/javascript; charset=utf-8');

export const ASSET_PREFIX = '/checkout/assets';

export function assetUrl(name: 'checkout.css' | 'checkout.js'): string {
  const asset = PAGE_ASSETS[name];
  return `${ASSET_PREFIX}/${name}?v=${asset?.version ?? '0'}`;
}
