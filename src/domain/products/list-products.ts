import { listObjects, type Filter, type Page, type PageRequest } from '../../db/objects.js';
import type { OpContext } from '../context.js';
import { PRODUCTS_TABLE, type Product } from './product.js';

export interface ProductFilters {
  active?: boolean | undefined;
  shippable?: boolean | undefined;
  url?: string | undefined;
  ids?: string[] | undefined;
  created?: Filter[] | undefined;
}

/** A page of the caller's products, newest first; deleted products are left out. */
export async function listProducts(ctx: OpContext, filters: ProductFilters, page: PageRequest): Promise<Page<Product>> {
  const where: Filter[] = [{ column: 'deleted', op: '=', value: 0 }, ...(filters.created ?? [])];
  if (filters.active !== undefined) where.push({ column: 'active', op: '=', value: filters.active ? 1 : 0 });
  if (filters.shippable !== undefined) where.push({ column: 'shippable', op: '=', value: filters.shippable ? 1 : 0 });
  if (filters.url !== undefined) where.push({ column: 'url', op: '=', value: filters.url });
  if (filters.ids !== undefined) where.push({ column: 'id', op: 'in', value: filters.ids });
  return listObjects<Product>(ctx.db, PRODUCTS_TABLE, ctx.actor.scope, where, page);
}
