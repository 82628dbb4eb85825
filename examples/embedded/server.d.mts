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

export function startShop(options: ShopOptions): Promise<Shop>;
