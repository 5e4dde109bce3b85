// A merchant's catalog API for tests: a real HTTP server on loopback (port 0) that implements the
// contract in docs/openapi/commerce-catalog.yaml exactly — same paths, bearer token, body shapes —
// serving the demo shop's data. Tests switch it into the ways a real backend fails: down (503 with
// Retry-After), throttling (429), hanging, answering garbage, or stopped altogether.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';

export type ApiMode = 'up' | 'down' | 'throttled' | 'hang' | 'garbage' | 'off-contract';

export interface MerchantCatalogApi {
  /** Base URL, e.g. http://127.0.0.1:41234/kefu/v1 */
  baseUrl: string;
  token: string;
  mode: ApiMode;
  /** Requests received, as "GET /products/x" (in order). */
  requests: string[];
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
