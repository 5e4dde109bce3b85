// The shopping guide's search (dialogs/shopping/product-search.ts), on the demo catalog and on
// small catalogs made for one case: budgets in the ways buyers write them, words found by meaning,
// negation, colour, refinements, sold-out and over-budget answers, and hostile input.

import { describe, expect, it } from 'vitest';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import type { Product } from '../../dialogs/commerce/catalog.ts';
import { loadFlows } from '../../dialogs/flows/load-flows.ts';
import { readPriceBounds, readRequest, searchProducts, type ProductSearch } from '../../dialogs/shopping/product-search.ts';

const products = await (await DemoCatalog.load()).listProducts();
const loaded = await loadFlows('flows', { actions: builtInActions });
if (!loaded.ok) throw new Error('the demo flows do not load');
const words = loaded.flowSet.vocabulary.product_search!;
const synonyms = loaded.flowSet.vocabulary.product_facts!.synonyms!;

const find = (text: string, previous: ProductSearch | null = null, catalog: readonly Product[] = products) => {
  const request = readRequest(text, catalog, words, synonyms, previous);
  return searchProducts(catalog, request.search, synonyms, previous !== null);
};
const ids = (text: string, previous: ProductSearch | null = null) => find(text, previous).products.map((p) => p.id);

describe('reading a budget', () => {
  it.each([
    ['300以内的外套', null, 300],
    ['三百以内', null, 300],
    ['预算五百', null, 500],
    ['不超过200块', null, 200],
    ['under $50', null, 50],
    ['up to 80 dollars', null, 80],
    ['nothing over 40 bucks', null, 40],
    ['not more than 60', null, 60],
    ['30 tops', null, 30],
    ['不要超过两百', null, 200],
    ['100到200的裤子', 100, 200],
    ['between 20 and 40', 20, 40],
    ['200左右', 160, 240],
    ['over 100', 100, null],
    ['100元以上', 100, null],
  ] as const)('%s → %s..%s', (text, min, max) => {
    const { minPrice, maxPrice } = readPriceBounds(text);
    expect([minPrice, maxPrice]).toEqual([min, max]);
  });

  it.each(['T恤有M码吗', '我170 60公斤', 'order 12345', '', '9'.repeat(400)])('finds none in %j', (text) => {
    expect(readPriceBounds(text)).toMatchObject({ minPrice: null, maxPrice: null });
  });
});

describe('searching the demo catalog', () => {
  it('finds warm clothes by meaning within a budget', () => {
    expect(ids('有没有300以内保暖的外套')).toEqual(['hoodie-fleece']);
  });

  it('names a kind by its noun without 子', () => {
    expect(ids('推荐一条裤子')).toEqual(expect.arrayContaining(['chinos-straight', 'jeans-slim']));
    expect(ids('推荐一条裤子')).not.toContain('tee-classic');
  });

  it('shows the dearest within a budget first, and a category alone whole', () => {
    const found = find('送女朋友的零食 50以内');
    expect(found.status).toBe('found');
    expect(found.products[0]!.price).toBeLessThanOrEqual(50);
    expect(found.products.map((p) => p.price)).toEqual([...found.products.map((p) => p.price)].sort((a, b) => b - a));
  });

  it('leaves out what the buyer negates', () => {
    for (const text of ['有没有不辣的零食', 'snacks that are not spicy', '零食 没有辣的']) {
      const found = find(text);
      expect(found.products.length).toBeGreaterThan(0);
      for (const product of found.products) expect(product.name['zh-Hans']).not.toMatch(/辣/);
    }
  });

  it('refines: a colour keeps the kind, cheaper goes below what was shown, others page on', () => {
    const trousers = find('推荐一条裤子');
    const black = find('有黑色的吗', trousers.search);
    expect(black.products.map((p) => p.id)).toEqual(['jeans-slim']);
    const snacks = find('零食推荐');
    const more = find('换一批', snacks.search);
    expect(more.products.map((p) => p.id).some((id) => snacks.search.shown.includes(id))).toBe(false);
    const cheaper = find('便宜点的', snacks.search);
    const cheapestShown = Math.min(...snacks.products.map((p) => p.price));
    for (const product of cheaper.products) expect(product.price).toBeLessThan(cheapestShown);
  });

  it('says when a refinement finds nothing new, instead of showing the same again', () => {
    const warm = find('有没有300以内保暖的外套');
    expect(find('便宜点的', warm.search).status).toBe('no_more');
    expect(find('换一批', warm.search).status).toBe('no_more');
  });

  it('reads nothing into a request the catalog has nothing for, or into noise', () => {
    for (const text of ['推荐一款手机', '有什么推荐的吗', '', '？？？', '<script>alert(1)</script>', '推荐'.repeat(2000)]) {
      expect(find(text).status, text.slice(0, 20)).toBe('nothing');
    }
  });
});

describe('sold out and over budget', () => {
  const item = (id: string, price: number, stock: number, name: string, category = 'apparel'): Product => ({
    id,
    name: { 'zh-Hans': name, 'zh-Hant': name, en: name },
    aliases: [],
    category,
    price,
    currency: 'CNY',
    colours: [],
    sizes: [],
    variants: [{ stock }],
    attributes: {},
  });
  const catalog = [item('coat-a', 400, 0, '羊毛大衣'), item('coat-b', 350, 2, '羊毛外套'), item('tee', 60, 5, '纯棉T恤')];

  it('over the budget: the nearest in price of what fits, in stock', () => {
    const found = find('300以内的羊毛外套', null, catalog);
    expect(found.status).toBe('over_budget');
    expect(found.products.map((p) => p.id)).toEqual(['coat-b']);
  });

  it('sold out: other products of the category in stock', () => {
    const found = find('羊毛大衣', null, [catalog[0]!, catalog[2]!]);
    expect(found.status).toBe('sold_out');
    expect(found.products.map((p) => p.id)).toEqual(['tee']);
  });

  it('sold out with nothing else in stock: no card', () => {
    const found = find('羊毛大衣', null, [catalog[0]!]);
    expect(found).toMatchObject({ status: 'sold_out', products: [] });
  });
});
