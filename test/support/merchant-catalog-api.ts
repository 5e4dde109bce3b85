// A merchant's catalog API for tests: a real HTTP server on loopback (port 0) that implements the
// contract in docs/openapi/commerce-catalog.yaml exactly — same paths, bearer token, body shapes —
// serving the demo shop's data, and the optional /product-search with a search of its own. Tests switch it into the ways a real backend fails: down (503 with
// Retry-After), throttling (429), hanging, answering garbage, or stopped altogether.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import type { Product } from '../../dialogs/commerce/catalog.ts';

export type ApiMode = 'up' | 'down' | 'throttled' | 'hang' | 'garbage' | 'off-contract';

export interface MerchantCatalogApi {
  /** Base URL, e.g. http://127.0.0.1:41234/kefu/v1 */
  baseUrl: string;
  token: string;
  mode: ApiMode;
  /** Requests received, as "GET /products/x" (in order). */
  requests: string[];
  /** The query of each GET /product-search, in order. */
  searches: Record<string, string>[];
  /** Changes a product's stock live (a colour × size, or the single variant). */
  setStock(productId: string, stock: number, colour?: string, size?: string): Promise<void>;
  close(): Promise<void>;
}

const PREFIX = '/kefu/v1';

export async function startMerchantCatalogApi(token = 'merchant-secret-token'): Promise<MerchantCatalogApi> {
  const catalog = await DemoCatalog.load();
  const products = structuredClone(await catalog.listProducts());
  const hanging = new Set<ServerResponse>();

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    api.requests.push(`${req.method} ${url.pathname.slice(PREFIX.length)}`);
    if (req.method !== 'GET' || !url.pathname.startsWith(PREFIX)) return send(res, 404, { error: 'not found' });
    if (req.headers.authorization !== `Bearer ${api.token}`) return send(res, 401, { error: 'unauthorized' });
    switch (api.mode) {
      case 'down':
        return send(res, 503, { error: 'maintenance' }, { 'retry-after': '0' });
      case 'throttled':
        return send(res, 429, { error: 'slow down' }, { 'retry-after': '0' });
      case 'hang':
        hanging.add(res);
        return;
      case 'garbage':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>502 Bad Gateway</html>');
        return;
      default:
        break;
    }
    const path = url.pathname.slice(PREFIX.length);
    const product = /^\/products\/([^/]+)$/.exec(path);
    if (path === '/products') {
      return send(res, 200, api.mode === 'off-contract' ? { items: products } : { products });
    }
    if (product) {
      const found = products.find((p) => p.id === decodeURIComponent(product[1]!));
      if (!found) return send(res, 404, { error: 'no such product' });
      return send(res, 200, api.mode === 'off-contract' ? { ...found, price: 'cheap' } : found);
    }
    if (path === '/product-search') {
      const query = Object.fromEntries(url.searchParams);
      api.searches.push(query);
      const limit = Number(query.limit);
      if (query.q === undefined || !['zh-Hans', 'zh-Hant', 'en'].includes(query.language ?? '') || !Number.isInteger(limit) || limit < 1 || limit > 50) {
        return send(res, 400, { error: 'q, language and limit (1-50) are required' });
      }
      const found = searchLikeAShop(products, query.q, query.category, Number(query.minPrice ?? NaN), Number(query.maxPrice ?? NaN)).slice(0, limit);
      return send(res, 200, api.mode === 'off-contract' ? { results: found } : { products: found });
    }
    if (path === '/size-charts/default') return send(res, 200, { rows: await catalog.defaultSizeChart() });
    if (path === '/promotions') return send(res, 200, { promotions: await catalog.promotions() });
    if (path === '/shipping-policy') return send(res, 200, await catalog.shippingPolicy());
    return send(res, 404, { error: 'not found' });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { error: 'test server failed' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const api: MerchantCatalogApi = {
    baseUrl: `http://127.0.0.1:${port}${PREFIX}`,
    token,
    mode: 'up',
    requests: [],
    searches: [],
    async setStock(productId, stock, colour, size) {
      const found = products.find((p) => p.id === productId);
      for (const variant of found?.variants ?? []) {
        if ((colour === undefined || variant.colour === colour) && (size === undefined || variant.size === size)) variant.stock = stock;
      }
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return api;
}

/**
 * A shop's own search as a merchant might write it, deliberately unlike Kefu's: the query's English
 * words and Chinese character pairs looked up in each product's texts, the category as a filter,
 * those within the price first. Out-of-budget and sold-out products stay in the answer, as the
 * contract asks.
 */
function searchLikeAShop(products: readonly Product[], q: string, category: string | undefined, minPrice: number, maxPrice: number): Product[] {
  const text = q.toLowerCase();
  const han = [...text].filter((c) => /\p{Script=Han}/u.test(c)).join('');
  const tokens = [...(text.match(/[a-z]{3,}/g) ?? []), ...Array.from({ length: Math.max(0, han.length - 1) }, (_, i) => han.slice(i, i + 2))];
  const scored = products
    .filter((p) => category === undefined || p.category === category)
    .map((p) => {
      const haystack = [...Object.values(p.name), ...(p.aliases ?? []), p.category, ...Object.values(p.attributes ?? {}).flatMap((t) => (t ? Object.values(t) : []))].join(' ').toLowerCase();
      return { p, score: tokens.filter((t) => haystack.includes(t)).length };
    })
    .filter((s) => s.score > 0 || tokens.length === 0 || category !== undefined);
  const withinPrice = (p: Product) => !(p.price < minPrice) && !(p.price > maxPrice);
  return scored.sort((a, b) => b.score - a.score || Number(withinPrice(b.p)) - Number(withinPrice(a.p))).map((s) => s.p);
}

/** The environment an operator sets to point Kefu at this API (`commerce.kind: http`), token through ${env:…}. */
export function merchantApiEnv(api: MerchantCatalogApi, http: { timeoutMs: number; retries: number; cacheSeconds?: number; searchEndpoint?: boolean }): Record<string, string> {
  return {
    KEFU__COMMERCE__KIND: 'http',
    KEFU__COMMERCE__HTTP__BASEURL: api.baseUrl,
    KEFU__COMMERCE__HTTP__TOKEN: '${env:SHOP_API_TOKEN}',
    SHOP_API_TOKEN: api.token,
    KEFU__COMMERCE__HTTP__TIMEOUTMS: String(http.timeoutMs),
    KEFU__COMMERCE__HTTP__RETRIES: String(http.retries),
    ...(http.cacheSeconds === undefined ? {} : { KEFU__COMMERCE__HTTP__CACHESECONDS: String(http.cacheSeconds) }),
    ...(http.searchEndpoint ? { KEFU__COMMERCE__HTTP__SEARCHENDPOINT: 'true' } : {}),
  };
}
