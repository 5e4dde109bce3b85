// One contract for every Catalog implementation: the catalog file (the demo shop) and the HTTP
// catalog talking to a merchant API on loopback that implements docs/openapi/commerce-catalog.yaml.
// Both must answer the same questions the same way; the HTTP one must also turn every way a
// backend fails into CommerceUnavailableError (the engine's cue for a graceful reply).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import { contractViolation } from '../../adapters/commerce/http/catalog-contract.ts';
import { HttpCatalog } from '../../adapters/commerce/http/http-catalog.ts';
import type { Catalog } from '../../dialogs/commerce/catalog.ts';
import { CommerceUnavailableError } from '../../dialogs/commerce/commerce-unavailable.ts';
import { startMerchantCatalogApi, type MerchantCatalogApi } from '../support/merchant-catalog-api.ts';

let api: MerchantCatalogApi;
beforeAll(async () => {
  api = await startMerchantCatalogApi();
});
afterAll(async () => {
  await api.close();
});

const httpCatalog = (extra: Partial<ConstructorParameters<typeof HttpCatalog>[0]> = {}): HttpCatalog =>
  new HttpCatalog({ baseUrl: api.baseUrl, token: api.token, timeoutMs: 2000, retries: 1, backoffMs: 1, cooldownMs: 0, ...extra });

const implementations: [string, () => Promise<Catalog>][] = [
  ['catalog file (demo shop)', () => DemoCatalog.load()],
  ['HTTP catalog (merchant API)', async () => httpCatalog()],
];

describe.each(implementations)('Catalog contract: %s', (_name, create) => {
  let catalog: Catalog;
  beforeAll(async () => {
    api.mode = 'up';
    catalog = await create();
  });

  it('lists the demo shop\'s 20 products, apparel and snacks', async () => {
    const products = await catalog.listProducts();
    expect(products).toHaveLength(20);
    expect(new Set(products.map((p) => p.category))).toEqual(new Set(['apparel', 'accessories', 'snack']));
  });

  it('gives a product with colour × size variants, stock and restock dates', async () => {
    const tee = await catalog.getProduct('tee-classic');
    expect(tee?.name.en).toBe('Classic Cotton Crew Tee');
    expect(tee?.variants).toHaveLength(15);
    expect(tee?.variants.find((v) => v.colour === 'black' && v.size === 'M')).toEqual({ colour: 'black', size: 'M', stock: 0, restockDate: '2026-12-20' });
    expect(tee?.variants.find((v) => v.colour === 'blue' && v.size === 'M')?.stock).toBe(60);
    expect(tee?.attributes.material?.['zh-Hant']).toContain('長絨棉');
  });

  it('gives a snack with a single variant and food attributes', async () => {
    const brittle = await catalog.getProduct('peanut-brittle');
    expect(brittle?.variants).toEqual([{ stock: 0, restockDate: '2026-12-10' }]);
    expect(brittle?.attributes.allergens?.en).toBe('Contains peanuts');
  });

  it('answers null for a product that does not exist, also for hostile ids', async () => {
    expect(await catalog.getProduct('no-such-product')).toBeNull();
    expect(await catalog.getProduct('../../etc/passwd')).toBeNull();
    expect(await catalog.getProduct('a?b=c#d')).toBeNull();
  });

  it('gives size charts by height/weight and by chest/waist', async () => {
    expect((await catalog.defaultSizeChart()).find((r) => r.size === 'M')).toEqual({ size: 'M', heightCm: [165, 175], weightKg: [55, 65], chestCm: [88, 96] });
    expect((await catalog.getProduct('jeans-slim'))?.sizeChart?.[0]?.waistCm).toEqual([70, 72]);
  });

  it('gives promotions and the shipping policy', async () => {
    expect((await catalog.promotions()).map((p) => p.id)).toContain('threshold-199');
    const policy = await catalog.shippingPolicy();
    expect(policy.cutoffTime).toBe('16:00');
    expect(policy.freeShippingThreshold).toBe(99);
    expect(policy.regions.find((r) => r.id === 'hmt')?.days).toEqual([3, 6]);
    expect(policy.invoice.available).toBe(true);
  });
});

describe('HTTP catalog against a failing merchant API', () => {
  it('sends the bearer token on every request', async () => {
    api.mode = 'up';
    await expect(httpCatalog({ token: 'wrong' }).getProduct('tee-classic')).rejects.toThrow(/HTTP 401/);
    expect(await httpCatalog().getProduct('tee-classic')).not.toBeNull();
  });

  it.each(['down', 'throttled', 'hang', 'garbage', 'off-contract'] as const)('turns "%s" into CommerceUnavailableError', async (mode) => {
    api.mode = mode;
    try {
      await expect(httpCatalog({ timeoutMs: 300 }).getProduct('tee-classic')).rejects.toBeInstanceOf(CommerceUnavailableError);
      await expect(httpCatalog({ timeoutMs: 300 }).listProducts()).rejects.toBeInstanceOf(CommerceUnavailableError);
    } finally {
      api.mode = 'up';
    }
  });

  it('retries a backend that recovers within the retries', async () => {
    api.mode = 'down';
    api.requests.length = 0;
    const catalog = httpCatalog({ retries: 3, sleep: async () => void (api.mode = 'up') });
    expect((await catalog.getProduct('hoodie-fleece'))?.id).toBe('hoodie-fleece');
    expect(api.requests).toEqual(['GET /products/hoodie-fleece', 'GET /products/hoodie-fleece']);
  });

  it('reads stock live but reuses the product list for cacheSeconds', async () => {
    api.mode = 'up';
    let now = 1_000_000;
    const catalog = httpCatalog({ cacheSeconds: 60, now: () => now });
    api.requests.length = 0;
    await catalog.listProducts();
    await catalog.listProducts();
    expect(api.requests.filter((r) => r === 'GET /products')).toHaveLength(1);
    now += 61_000;
    await catalog.listProducts();
    expect(api.requests.filter((r) => r === 'GET /products')).toHaveLength(2);

    await api.setStock('beef-jerky', 0);
    expect((await catalog.getProduct('beef-jerky'))?.variants[0]?.stock).toBe(0);
    await api.setStock('beef-jerky', 3);
  });

  it('fails fast for a moment after finding the API down, then asks again', async () => {
    let now = 5_000_000;
    const catalog = httpCatalog({ cooldownMs: 5000, retries: 0, now: () => now });
    api.mode = 'down';
    await expect(catalog.getProduct('tee-classic')).rejects.toBeInstanceOf(CommerceUnavailableError);
    api.mode = 'up';
    api.requests.length = 0;
    await expect(catalog.getProduct('tee-classic')).rejects.toThrow(/moments ago/);
    expect(api.requests).toEqual([]);
    now += 5001;
    expect(await catalog.getProduct('tee-classic')).not.toBeNull();
  });
});

describe('HTTP catalog with the optional search endpoint', () => {
  const query = { text: '保暖的外套', category: 'apparel', minPrice: null, maxPrice: 300, language: 'zh-Hans', limit: 30 } as const;

  it('has no search unless the shop says its API has the endpoint', () => {
    expect(httpCatalog().search).toBeUndefined();
    expect(httpCatalog({ searchEndpoint: true }).search).toBeTypeOf('function');
  });

  it('asks GET /product-search with the request and reads products from its own search', async () => {
    api.mode = 'up';
    const before = api.searches.length;
    const found = await httpCatalog({ searchEndpoint: true }).search!(query);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((p) => p.category === 'apparel' && Array.isArray(p.aliases))).toBe(true);
    expect(api.searches.slice(before)).toEqual([{ q: '保暖的外套', category: 'apparel', maxPrice: '300', language: 'zh-Hans', limit: '30' }]);
  });

  it('sends hostile or oversized words as one query value, cut to 200 characters, and never more than 50 wanted', async () => {
    const before = api.searches.length;
    const hostile = `&limit=999&category=x#${'外'.repeat(300)}`;
    await httpCatalog({ searchEndpoint: true }).search!({ ...query, text: hostile, category: null, maxPrice: null, limit: 1000 });
    const [sent] = api.searches.slice(before);
    expect(sent).toEqual({ q: hostile.slice(0, 200), language: 'zh-Hans', limit: '50' });
  });

  it.each(['down', 'garbage', 'off-contract'] as const)('turns "%s" into CommerceUnavailableError', async (mode) => {
    api.mode = mode;
    try {
      await expect(httpCatalog({ searchEndpoint: true, retries: 0 }).search!(query)).rejects.toBeInstanceOf(CommerceUnavailableError);
    } finally {
      api.mode = 'up';
    }
  });

  it('an API that claims the endpoint but answers 404 is a broken API, not "nothing found"', async () => {
    const catalog = new HttpCatalog({ baseUrl: `${api.baseUrl}/elsewhere`, token: api.token, timeoutMs: 2000, retries: 0, backoffMs: 1, cooldownMs: 0, searchEndpoint: true });
    await expect(catalog.search!(query)).rejects.toThrow(/404/);
  });
});

describe('the OpenAPI contract', () => {
  it('accepts what the demo shop serves and refuses bodies that break it', async () => {
    const demo = await DemoCatalog.load();
    expect(contractViolation('listProducts', { products: await demo.listProducts() })).toBeNull();
    expect(contractViolation('getShippingPolicy', await demo.shippingPolicy())).toBeNull();
    expect(contractViolation('getProduct', { id: 'x' })).toMatch(/required/);
    expect(contractViolation('getProduct', { ...(await demo.getProduct('tee-classic')), price: '79' })).toMatch(/price/);
    expect(contractViolation('listProducts', [])).not.toBeNull();
    expect(contractViolation('searchProducts', { products: (await demo.listProducts()).slice(0, 3) })).toBeNull();
    expect(contractViolation('searchProducts', { products: await demo.listProducts(), extra: 1 })).toBeNull();
    expect(contractViolation('searchProducts', { results: [] })).toMatch(/required/);
  });
});
