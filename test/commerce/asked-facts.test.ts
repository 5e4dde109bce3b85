// Product facts found by meaning (dialogs/commerce/asked-facts.ts): what a merchant writes into the
// catalog is answerable with no code, in the buyer's words rather than the catalog's, and what it
// does not say is reported missing rather than guessed.

import { describe, expect, it } from 'vitest';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import type { Product } from '../../dialogs/commerce/catalog.ts';
import { contentTerms, retrieveFacts, unansweredWords } from '../../dialogs/commerce/asked-facts.ts';
import { factsIntentFromProductPage } from '../../dialogs/engine/page-context.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { loadFlows } from '../../dialogs/flows/load-flows.ts';

const products = await (await DemoCatalog.load()).listProducts();
const product = (id: string) => products.find((p) => p.id === id)!;
const loaded = await loadFlows('flows', { actions: builtInActions });
if (!loaded.ok) throw new Error('the demo flows do not load');
const flowSet = loaded.flowSet;
const synonyms = flowSet.vocabulary.product_facts!.synonyms!;

// A fact the demo catalog does not have, added the way a merchant would: an attribute of their own.
const kettle: Product = {
  id: 'kettle-steel',
  name: { 'zh-Hans': '不锈钢电水壶', 'zh-Hant': '不鏽鋼電水壺', en: 'Steel Kettle' },
  aliases: ['水壶', 'kettle'],
  category: 'home',
  price: 129,
  currency: 'CNY',
  colours: [],
  sizes: [],
  variants: [],
  attributes: {
    warranty: { 'zh-Hans': '整机保修一年,加热盘保修三年', 'zh-Hant': '整機保修一年,加熱盤保修三年', en: 'One-year warranty; three years on the heating plate' },
    power: { 'zh-Hans': '额定功率1800瓦,五分钟烧开', 'zh-Hant': '額定功率1800瓦,五分鐘燒開', en: '1800 W, boils in five minutes' },
  },
};

describe('content terms', () => {
  it('keeps topic pairs and content words, drops grammar', () => {
    expect([...contentTerms('这个会不会掉色')]).toEqual(['掉色']);
    expect([...contentTerms('保修多久')]).toEqual(['保修']);
    expect(contentTerms('这个会不会')).toEqual(new Set());
    expect([...contentTerms('does it fade in the wash')]).toEqual(['fade', 'wash']);
  });
});

describe('retrieving a fact by meaning', () => {
  it.each([
    ['保修多久', 'zh-Hans', 'warranty', '整机保修一年,加热盘保修三年'],
    ['加熱盤保修幾年', 'zh-Hant', 'warranty', '加熱盤保修三年'],
    ['how long is the warranty on the heating plate', 'en', 'warranty', 'three years on the heating plate'],
    ['功率多大', 'zh-Hans', 'power', '额定功率1800瓦'],
    ['烧开要多久', 'zh-Hans', 'power', '五分钟烧开'],
  ] as const)('%s (%s) → %s', (question, language, attribute, text) => {
    expect(retrieveFacts(question, kettle, language, synonyms)[0]).toMatchObject({ attribute, text });
  });

  it('finds a synonym of what the catalog wrote, in another script', () => {
    expect(retrieveFacts('會褪色嗎', product('jeans-slim'), 'zh-Hant', synonyms)[0]).toMatchObject({ attribute: 'washing', text: '可能輕微掉色' });
    expect(retrieveFacts('colourfast?', product('jeans-slim'), 'en', synonyms)[0]?.attribute).toBe('washing');
  });

  it("does not match a clause on the product's own name", () => {
    // 羽绒 is in the jacket's name and in its washing text (羽绒专用洗涤剂); the question is about neither.
    expect(retrieveFacts('这件羽绒服好看吗', product('down-jacket-light'), 'zh-Hans', synonyms)).toEqual([]);
  });

  it.each(['你好', '在吗', '多少钱', '', '？？？', '的的的的的的', '能退吗', '包邮吗'])('finds nothing in %j', (question) => {
    expect(retrieveFacts(question, kettle, 'zh-Hans', synonyms)).toEqual([]);
  });

  it('finds nothing in a message of 10,000 characters', () => {
    expect(retrieveFacts('保修'.repeat(5_000), kettle, 'zh-Hans', synonyms)).toHaveLength(1);
    expect(retrieveFacts('x'.repeat(10_000), kettle, 'en', synonyms)).toEqual([]);
  });

  it('one shared word is not enough in a longer question without a synonym group', () => {
    expect(retrieveFacts('一年四季都能穿吗', kettle, 'zh-Hans', synonyms)).toEqual([]);
  });
});

describe('what the data does not say', () => {
  it('names the part of the question no text of the product mentions', () => {
    expect(unansweredWords('会起球吗', product('tee-classic'), synonyms)).toEqual(['起球']);
    expect(unansweredWords('does it pill after washing', product('tee-classic'), synonyms)).toEqual(['pill']);
    expect(unansweredWords('会掉色吗', product('jeans-slim'), synonyms)).toEqual([]);
  });
});

describe('on a product page, a message the recogniser does not place', () => {
  it('goes to the product-facts intent when the product data answers it', () => {
    expect(factsIntentFromProductPage('保修多久', kettle, flowSet, 'zh-Hans')).toBe('ask_product_info');
    expect(factsIntentFromProductPage('会掉色吗', product('jeans-slim'), flowSet, 'zh-Hans')).toBe('ask_product_info');
  });
  it('stays not understood when it does not, or off a product page', () => {
    expect(factsIntentFromProductPage('今天天气怎么样', kettle, flowSet, 'zh-Hans')).toBeNull();
    expect(factsIntentFromProductPage('保修多久', null, flowSet, 'zh-Hans')).toBeNull();
  });
});
