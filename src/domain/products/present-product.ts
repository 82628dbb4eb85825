import type { StoredProduct } from './product.js';

/** Renders a stored product as the API shows it: a tombstone is `{id, object, deleted: true}`. */
export function presentProduct(p: StoredProduct): Record<string, unknown> {
  if ('deleted' in p) return { id: p.id, object: 'product', deleted: true };
  return { ...p };
}
