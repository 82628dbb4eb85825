import type { Metadata } from '../../lib/metadata.js';

export interface PackageDimensions {
  height: number;
  length: number;
  width: number;
  weight: number;
}

export interface MarketingFeature {
  name: string;
}

export interface Product {
  id: string;
  object: 'product';
  active: boolean;
  created: number;
  /** A price id, or the Price object when expanded. */
  default_price: string | null;
  description: string | null;
  images: string[];
  livemode: boolean;
  marketing_features: MarketingFeature[];
  metadata: Metadata;
  name: string;
  package_dimensions: PackageDimensions | null;
  shippable: boolean | null;
  statement_descriptor: string | null;
  tax_code: string | null;
  unit_label: string | null;
  updated: number;
  url: string | null;
}

export interface DeletedProduct {
  id: string;
  object: 'product';
  deleted: true;
}

/** A deleted product stays as a tombstone that keeps `created`, so cursors over the table stay valid. */
export type StoredProduct = Product | (DeletedProduct & { created: number });

export const PRODUCTS_TABLE = 'products';

export function isDeletedProduct(p: StoredProduct): p is DeletedProduct & { created: number } {
  return 'deleted' in p;
}

/** The filter columns of a product row, kept in step with its JSON. */
export function productColumns(p: Product): Record<string, unknown> {
  return {
    active: p.active ? 1 : 0,
    shippable: p.shippable === null ? null : p.shippable ? 1 : 0,
    url: p.url,
  };
}

/** The fields a product is created with (validated at the edge). */
export interface ProductInput {
  name: string;
  active?: boolean | undefined;
  description?: string | null | undefined;
  images?: string[] | '' | null | undefined;
  marketing_features?: MarketingFeature[] | '' | null | undefined;
  metadata?: Metadata | '' | undefined;
  package_dimensions?: PackageDimensions | '' | null | undefined;
  shippable?: boolean | '' | null | undefined;
  statement_descriptor?: string | null | undefined;
  tax_code?: string | null | undefined;
  unit_label?: string | null | undefined;
  url?: string | null | undefined;
}
