// The Catalog port over a merchant's own HTTP API (the contract: docs/openapi/commerce-catalog.yaml).
// Live data (a product's stock) is fetched on every call; the product list, used to recognise
// product names and links in buyers' messages, is reused for `cacheSeconds`. Every failure —
// timeouts, refused connections, 5xx/429 after the retries, bodies that break the contract —
// surfaces as CommerceUnavailableError, which the engine turns into a graceful reply.

import type { Catalog, CatalogSearchQuery, Product, Promotion, ShippingPolicy, SizeChartRow } from '../../../dialogs/commerce/catalog.ts';
import { CommerceUnavailableError } from '../../../dialogs/commerce/commerce-unavailable.ts';
import { isSafePathSegment, pathSegment } from '../../http/path-segment.ts';
import { contractViolation, type ContractOperation } from './catalog-contract.ts';
import { CommerceHttpClient, type CommerceHttpClientOptions } from './commerce-http-client.ts';

export interface HttpCatalogOptions extends CommerceHttpClientOptions {
  /** How long the product list is reused; 0 fetches it every time. */
  cacheSeconds?: number;
  /**
   * After the API was found down, calls fail at once for this long instead of each waiting through
   * its own timeouts and retries: one buyer message may read the catalog several times.
   */
  cooldownMs?: number;
  /** The API implements the optional `GET /product-search`: the shopping guide asks it instead of searching the list. */
  searchEndpoint?: boolean;
  now?: () => number;
}

/** The contract's most products one search answers. */
const SEARCH_LIMIT = 50;

export class HttpCatalog implements Catalog {
  private readonly client: CommerceHttpClient;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private cachedList: { at: number; products: Product[] } | null = null;
  private pendingList: Promise<Product[]> | null = null;
  private readonly cooldownMs: number;
  private downSince: number | null = null;
  /** Present only when the API has the search endpoint, so the guide knows whom to ask. */
  readonly search?: (query: CatalogSearchQuery) => Promise<Product[]>;

  constructor(options: HttpCatalogOptions) {
    this.client = new CommerceHttpClient(options);
    this.cacheMs = (options.cacheSeconds ?? 60) * 1000;
    this.now = options.now ?? Date.now;
    this.cooldownMs = options.cooldownMs ?? 5000;
    if (options.searchEndpoint) this.search = (query) => this.searchProducts(query);
  }

  private async fetchChecked<T>(operation: ContractOperation, path: string, query?: Record<string, string | undefined>): Promise<T | null> {
    if (this.downSince !== null && this.now() - this.downSince < this.cooldownMs) {
      throw new CommerceUnavailableError(`GET ${path}`, 'the API was down moments ago; not asking again yet');
    }
    let body: unknown;
    try {
      body = await this.client.getJson<unknown>(path, query);
      this.downSince = null;
    } catch (error) {
      this.downSince = this.now();
      throw error;
    }
    if (body === null) return null;
    const violation = contractViolation(operation, body);
    if (violation) throw new CommerceUnavailableError(`GET ${path}`, `the answer breaks the contract: ${violation}`);
    return body as T;
  }

  private async required<T>(operation: ContractOperation, path: string): Promise<T> {
    const body = await this.fetchChecked<T>(operation, path);
    if (body === null) throw new CommerceUnavailableError(`GET ${path}`, 'HTTP 404 on an endpoint the contract requires');
    return body;
  }

  async getProduct(id: string): Promise<Product | null> {
    // A product id from a card or a payload is one path segment; one that cannot be ("..") is no product.
    if (!isSafePathSegment(id)) return null;
    const product = await this.fetchChecked<Product>('getProduct', `/products/${pathSegment(id)}`);
    return product ? withDefaults(product) : null;
  }

  async listProducts(): Promise<Product[]> {
    const cached = this.cachedList;
    if (cached && this.now() - cached.at < this.cacheMs) return cached.products;
    // Concurrent messages share one request instead of each asking the API.
    this.pendingList ??= this.required<{ products: Product[] }>('listProducts', '/products')
      .then((body) => {
        const products = body.products.map(withDefaults);
        this.cachedList = { at: this.now(), products };
        return products;
      })
      .finally(() => {
        this.pendingList = null;
      });
    return this.pendingList;
  }

  private async searchProducts(query: CatalogSearchQuery): Promise<Product[]> {
    const price = (value: number | null) => (value === null ? undefined : String(value));
    const body = await this.fetchChecked<{ products: Product[] }>('searchProducts', '/product-search', {
      q: query.text.slice(0, 200),
      category: query.category ?? undefined,
      minPrice: price(query.minPrice),
      maxPrice: price(query.maxPrice),
      language: query.language,
      limit: String(Math.min(SEARCH_LIMIT, Math.max(1, query.limit))),
    });
    // The endpoint is optional in the contract, but this shop said it has it: a 404 is a broken API.
    if (body === null) throw new CommerceUnavailableError('GET /product-search', 'HTTP 404, but commerce.http.searchEndpoint says the API has it');
    return body.products.map(withDefaults);
  }

  async defaultSizeChart(): Promise<SizeChartRow[]> {
    return (await this.required<{ rows: SizeChartRow[] }>('getDefaultSizeChart', '/size-charts/default')).rows;
  }

  async promotions(): Promise<Promotion[]> {
    return (await this.required<{ promotions: Promotion[] }>('listPromotions', '/promotions')).promotions;
  }

  async shippingPolicy(): Promise<ShippingPolicy> {
    return this.required<ShippingPolicy>('getShippingPolicy', '/shipping-policy');
  }
}

/** Optional fields the core reads as lists or maps, filled in once here. */
function withDefaults(product: Product): Product {
  return { ...product, aliases: product.aliases ?? [], attributes: product.attributes ?? {} };
}
