// The pieces the pre-sale actions are built from, as examples: recognising products, colours and
// sizes in buyers' words, choosing a size, reading which fact is asked, regions, stock bands.

import { describe, expect, it } from 'vitest';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import { DemoOrders } from '../../adapters/commerce/demo/demo-orders.ts';
import { DEFAULT_AFTER_SALE_POLICY } from '../../dialogs/commerce/after-sale-policy.ts';
import { buyerOrders } from '../../dialogs/commerce/buyer-orders.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { formatDate, formatMoney, joinAlternatives, stockBand } from '../../dialogs/actions/commerce-wording.ts';
import { checkStock } from '../../dialogs/actions/check-stock.ts';
import { askedTopics } from '../../dialogs/commerce/asked-facts.ts';
import { adviseSizeFrom } from '../../dialogs/actions/recommend-size.ts';
import { findRegion } from '../../dialogs/actions/shipping-answer.ts';
import type { ActionContext } from '../../dialogs/actions/action-types.ts';
import { findProductMention } from '../../dialogs/commerce/product-mentions.ts';
import { findVariant } from '../../dialogs/commerce/variant-mentions.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { loadFlows } from '../../dialogs/flows/load-flows.ts';

const catalog = await DemoCatalog.load();
const orders = await DemoOrders.load();
const products = await catalog.listProducts();
const product = (id: string) => products.find((p) => p.id === id)!;
const mention = (text: string) => findProductMention(text, products)?.id ?? null;
const loaded = await loadFlows('flows', { actions: builtInActions });
if (!loaded.ok) throw new Error('the demo flows do not load');
const vocabulary = loaded.flowSet.vocabulary;

describe('recognising the product a buyer means', () => {
  it.each([
    ['卫衣有货吗', 'hoodie-fleece'],
    ['衛衣有貨嗎', 'hoodie-fleece'],
    ['翻领T恤有白色吗', 'polo-pique'],
    ['T恤什么面料', 'tee-classic'],
    ['is the Fleece Hoodie warm?', 'hoodie-fleece'],
    ['https://shop.example/products/jeans-slim?spm=1#top', 'jeans-slim'],
    ['看看这个 HTTPS://WWW.SHOP.EXAMPLE/products/cap-baseball/ 呢', 'cap-baseball'],
    ['芒果乾好吃嗎', 'mango-dried'],
  ])('%s → %s', (text, id) => expect(mention(text)).toBe(id));

  it.each(['what is the capacity of the bag?', '你好', 'https://evil.example/products/tee-classic', '', 'x'.repeat(5000)])(
    'finds nothing in %j',
    (text) => expect(mention(text)).toBeNull(),
  );
});

describe('reading colour and size', () => {
  it.each([
    ['黑色M码有货吗', 'tee-classic', { colour: 'black', size: 'M' }],
    ['藍色 XXL', 'tee-classic', { colour: 'blue', size: 'XXL' }],
    ["I'm after the white one, size l", 'tee-classic', { colour: 'white', size: 'L' }],
    ["I'm looking for blue", 'tee-classic', { colour: 'blue', size: null }],
    ['30码的深蓝', 'jeans-slim', { colour: 'indigo', size: '30' }],
    ['身高170要30码', 'jeans-slim', { colour: null, size: '30' }],
    ['30cm', 'jeans-slim', { colour: null, size: null }],
  ])('%s (%s)', (text, id, expected) => expect(findVariant(text, product(id))).toEqual(expected));
});

describe('choosing a size', () => {
  const chart = product('dress-floral').sizeChart!;
  it('by height and weight, chest and waist together', () => {
    expect(adviseSizeFrom(chart, { heightCm: 162, weightKg: 52, chestCm: 86, waistCm: 70 })).toEqual({ size: 'M', between: null });
  });
  it('between two sizes the preference decides', () => {
    expect(adviseSizeFrom(chart, { heightCm: 159, weightKg: 58 }, 'slim')).toEqual({ size: 'S', between: 'S/L' });
    expect(adviseSizeFrom(chart, { chestCm: 84 }, 'slim').size).toBe('S');
    expect(adviseSizeFrom(chart, { chestCm: 84 }, 'loose').size).toBe('M');
  });
  it('outside the chart gives no size; an unusable measurement says so', () => {
    expect(adviseSizeFrom(chart, { heightCm: 190, weightKg: 50 })).toEqual({ size: null, between: null });
    expect(adviseSizeFrom(product('tee-classic').sizeChart ?? [], { waistCm: 80 })).toEqual({ size: null, between: null, unusable: true });
    expect(adviseSizeFrom(chart, { heightCm: Number.NaN })).toMatchObject({ unusable: true });
  });
});

describe('which fact is asked (the demo flows\' vocabulary)', () => {
  it.each([
    ['这是什么面料', ['material']],
    ['怎麼洗', ['washing']],
    ['does it contain nuts?', ['allergens']],
    ['how long do the walnuts keep?', ['shelfLife']],
    ['配料和保质期', ['ingredients', 'shelfLife']],
    ['会不会起球', []],
  ])('%s', (text, expected) => expect(askedTopics(text, vocabulary.product_facts!.topics)).toEqual(expected));
});

describe('shipping regions and wording', () => {
  it('finds the region by its places, in any script or English', async () => {
    const policy = await catalog.shippingPolicy();
    expect(findRegion('到上海几天', policy)?.id).toBe('east');
    expect(findRegion('寄到臺北要多久', policy)?.id).toBe('hmt');
    expect(findRegion('ship to HK?', policy)?.id).toBe('hmt');
    expect(findRegion('ship to Thailand?', policy)).toBeNull();
  });
  it('shows bands, never counts; dates and money in the buyer\'s language', () => {
    expect([25, 8, 2, 0].map((n) => stockBand(n, 'en', vocabulary.commerce_wording!))).toEqual(['plenty in stock', 'in stock, but not many left', 'only a few left', 'sold out']);
    const now = Date.UTC(2026, 11, 1);
    expect(formatDate('2026-12-20', 'zh-Hans', now)).toBe('12月20日');
    expect(formatDate('2027-01-05', 'en', now)).toBe('5 January 2027');
    expect(formatMoney(19.9, 'CNY')).toBe('¥19.9');
    expect(formatMoney(12, 'SGD')).toBe('12 SGD');
    expect(joinAlternatives(['蓝色', '白色', '灰色'], 'zh-Hans')).toBe('蓝色、白色或灰色');
  });
});

describe('check_stock', () => {
  const run = (text: string, productId: string | undefined, slots: Record<string, unknown> = {}) =>
    checkStock.run({
      slots,
      args: {},
      language: 'zh-Hans',
      conversation: { channel: 't', conversationId: 'c', buyerId: 'b' },
      context: productId ? { productId } : {},
      catalog,
      now: Date.UTC(2026, 11, 1),
      text,
      memory: {},
      vocabulary,
      orders: buyerOrders(orders, { channel: 't', conversationId: 'c', buyerId: 'b' }, null),
      afterSale: DEFAULT_AFTER_SALE_POLICY,
      logger: silentLogger,
    } satisfies ActionContext);

  it('offers the same size in other colours with a button each', async () => {
    const result = await run('黑色M有货吗', 'tee-classic');
    expect(result.set).toMatchObject({ status: 'other_colours', alternatives: '蓝色', restock_date: '12月20日' });
    expect(result.buttons).toEqual([{ title: '看看 蓝色 M', payload: '/ask_stock{"product_query":"tee-classic","variant_query":"Blue M"}' }]);
  });
  it('follows a product chosen with a button, and moves the conversation to it', async () => {
    const result = await run('', 'linen-trousers', { product_query: 'chinos-straight', variant_query: 'Khaki 30' });
    expect(result.set).toMatchObject({ status: 'in_stock', band: '有货,库存不多了' });
    expect(result.context).toEqual({ productId: 'chinos-straight' });
  });
  it('a forged button naming no product is an unknown product, not a crash', async () => {
    expect((await run('', undefined, { product_query: '{"$where":1}' })).set?.status).toBe('no_product');
  });
});
