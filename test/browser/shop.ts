/** The embedded-checkout demo shop (examples/embedded/server.js, plain JavaScript), typed for the tests. */
export interface ShopOptions {
  /** Railyard's base URL, e.g. http://127.0.0.1:4242 */
  railyardUrl: string;
  secretKey: string;
  publishableKey: string;
  port?: number;
  host?: string;
}

export interface Shop {
  url: string;
  close(): Promise<void>;
}

// A computed specifier: the example is JavaScript without type declarations, typed here instead.
const SHOP_MODULE = new URL('../../examples/embedded/server.js', import.meta.url).href;

export async function startShop(options: ShopOptions): Promise<Shop> {
  const mod = (await import(SHOP_MODULE)) as { startShop(o: ShopOptions): Promise<Shop> };
  return mod.startShop(options);
}
