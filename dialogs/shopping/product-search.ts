// The shopping guide's search (issue 15 item 3): "有没有300以内保暖的外套", "gift for my dad under 50",
// "送女朋友的零食" → the catalog's products that fit, chosen by category, price, the words of the
// request against the products' names and catalog texts (widened by the synonym groups: 保暖 finds
// 加绒 and 羽绒), colour and stock. A refinement ("便宜点的", "换一批", "有黑色的吗", "要羽绒的")
// narrows the search the buyer saw, which the action keeps in the conversation's memory.
//
// The search runs over the catalog's product list (the file, or the merchant API's cached list), or
// over the candidates of the shop's own search when its API has one (/product-search); the reading
// and the ranking are the same either way. Prices are read in the shop's currency: "$50" in a shop that sells in
// yuan is 50 yuan (Kefu converts no currency).

import { contentTerms } from '../commerce/asked-facts.ts';
import type { Product } from '../commerce/catalog.ts';
import { normaliseForWords, usesAnyWord, usesWord } from '../commerce/vocabulary-words.ts';
import type { ProductSearchVocabulary } from '../flows/vocabulary.ts';
import { parseChineseNumeral } from '../understanding/chinese-numerals.ts';

/** What the buyer is looking for, as kept between turns (small: words, bounds and ids). */
export interface ProductSearch {
  category: string | null;
  /** Content terms and synonym-group words of the request. */
  terms: string[];
  /** Synonym-group words the request negates ("不辣", "not spicy"): products that use them are left out. */
  without: string[];
  minPrice: number | null;
  maxPrice: number | null;
  /** A colour id, in stock. */
  colour: string | null;
  /** Products already shown, in order: "换一批" shows others. */
  shown: string[];
}

export type Refinement = 'cheaper' | 'pricier' | 'more';

export type SearchStatus =
  /** Products that fit, in stock. */
  | 'found'
  /** Products fit but none within the price: the nearest in price are shown. */
  | 'over_budget'
  /** Products fit but none is in stock: other products of the category in stock are shown. */
  | 'sold_out'
  /** All that fit were shown already. */
  | 'no_more'
  /** Nothing in the catalog fits. */
  | 'nothing';

export interface SearchResult {
  status: SearchStatus;
  products: Product[];
  search: ProductSearch;
}

/** Shown at once: more cards than this scroll the question out of view on a phone. */
export const RESULTS_SHOWN = 3;

/** How many products a catalog that searches by itself is asked for: enough to rank, price and fall back within. */
export const SEARCH_CANDIDATES = 30;

const NUMBER = String.raw`(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)`;
const MONEY = String.raw`(?:元|块钱|块|rmb|¥|￥|\$|dollars?|bucks?)?`;
const PRICE_PATTERNS: { pattern: RegExp; bounds: (a: number, b?: number) => [number | null, number | null] }[] = [
  { pattern: new RegExp(String.raw`${NUMBER}\s*${MONEY}\s*(?:到|至|-|~|–|and|to)\s*[$¥￥]?${NUMBER}\s*${MONEY}`, 'iu'), bounds: (a, b) => [Math.min(a, b!), Math.max(a, b!)] },
  { pattern: new RegExp(String.raw`(?:预算|不超过|不要超过|别超过|不到|低于|少于|最多|under|below|less than|up to|max(?:imum)?|(?:nothing|not|no(?:thing)?)\s+(?:over|above|more than)|within|budget(?: is| of)?)\s*[$¥￥]?\s*${NUMBER}`, 'iu'), bounds: (a) => [null, a] },
  { pattern: new RegExp(String.raw`${NUMBER}\s*${MONEY}\s*(?:以内|以下|之内|之下|内|or less|or under|and under|max|tops)`, 'iu'), bounds: (a) => [null, a] },
  { pattern: new RegExp(String.raw`(?:over|above|more than|at least)\s*[$¥￥]?\s*${NUMBER}`, 'iu'), bounds: (a) => [a, null] },
  { pattern: new RegExp(String.raw`${NUMBER}\s*${MONEY}\s*(?:以上|多)`, 'iu'), bounds: (a) => [a, null] },
  { pattern: new RegExp(String.raw`(?:around|about|roughly)\s*[$¥￥]?\s*${NUMBER}|${NUMBER}\s*${MONEY}\s*(?:左右|上下)`, 'iu'), bounds: (a) => [Math.round(a * 0.8), Math.round(a * 1.2)] },
];

function numberOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = /^\d/.test(text) ? Number(text) : parseChineseNumeral(text);
  return value !== null && Number.isFinite(value) && value > 0 && value < 10_000_000 ? value : null;
}

/** The price bounds a request names, and the request without them. */
export function readPriceBounds(text: string): { minPrice: number | null; maxPrice: number | null; rest: string } {
  for (const { pattern, bounds } of PRICE_PATTERNS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const numbers = match.slice(1).map(numberOf).filter((n): n is number => n !== null);
    if (numbers.length === 0) continue;
    const [minPrice, maxPrice] = bounds(numbers[0]!, numbers[1]);
    return { minPrice, maxPrice, rest: text.slice(0, match.index) + ' ' + text.slice(match.index + match[0].length) };
  }
  return { minPrice: null, maxPrice: null, rest: text };
}

/** 不辣, 没有辣, 无糖, not spicy, non-spicy, no sugar: the word right after a negation. */
function negationBefore(word: string): RegExp {
  const escaped = normaliseForWords(word).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(String.raw`(?:不|没有|没|无|免|别|(?<![a-z])(?:not|no|non-?|without)\s*)${escaped}`, 'u');
}

function removeWords(normalised: string, words: readonly string[]): string {
  let text = normalised;
  for (const word of [...words].map(normaliseForWords).sort((a, b) => b.length - a.length)) {
    if (!word) continue;
    text = /^[a-z0-9]/.test(word) ? text.replace(new RegExp(String.raw`(?<![a-z0-9])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9])`, 'g'), ' ') : text.split(word).join(' ');
  }
  return text;
}

/** 裤子 → 裤, 帽子 → 帽: a noun with the suffix 子 is named without it in product names (牛仔裤, 棒球帽). */
function nounStem(term: string): string | null {
  return /^\p{Script=Han}子$/u.test(term) ? term[0]! : null;
}

function inStock(product: Product, colour: string | null = null): boolean {
  return product.variants.some((variant) => variant.stock > 0 && (colour === null || variant.colour === colour));
}

/** Every name and text of a product, normalised once per search. */
function productText(product: Product): string {
  return normaliseForWords(
    [...Object.values(product.name), ...product.aliases, product.category, ...product.colours.flatMap((c) => Object.values(c.name)), ...Object.values(product.attributes).flatMap((t) => (t ? Object.values(t) : []))].join(' | '),
  );
}

export interface ReadRequest {
  search: ProductSearch;
  refinement: Refinement | null;
  /** Whether the request said anything the search can use (a category, words, a price, a colour or a refinement). */
  understood: boolean;
}

/**
 * Reads a request, or a refinement of `previous` (the search the buyer saw), into a search.
 * Words of the request are kept only when some product's texts use them, so "有没有" or "推荐一下"
 * never narrow anything.
 */
export function readRequest(text: string, products: readonly Product[], vocabulary: ProductSearchVocabulary, synonyms: readonly (readonly string[])[], previous: ProductSearch | null): ReadRequest {
  const normalised = normaliseForWords(text.slice(0, 500));
  const price = readPriceBounds(normalised);
  let rest = price.rest;
  const refinement: Refinement | null = previous
    ? usesAnyWord(rest, vocabulary.cheaper) ? 'cheaper' : usesAnyWord(rest, vocabulary.pricier) ? 'pricier' : usesAnyWord(rest, vocabulary.more) ? 'more' : null
    : null;
  rest = removeWords(rest, [...vocabulary.cheaper, ...vocabulary.pricier, ...vocabulary.more, ...vocabulary.ignore]);
  const category = Object.keys(vocabulary.categories).find((name) => usesAnyWord(rest, vocabulary.categories[name]!)) ?? null;
  let colour: string | null = null;
  for (const product of products) {
    for (const candidate of product.colours) {
      const names = [...Object.values(candidate.name), candidate.id].filter((name) => name.length > 1);
      if (names.some((name) => usesWord(rest, name))) {
        colour = candidate.id;
        // A colour narrows by stock, not by words: "有黑色的吗" keeps the trousers the buyer saw.
        rest = removeWords(rest, names);
      }
    }
  }
  const texts = products.map(productText);
  const groupWords = synonyms.filter((group) => usesAnyWord(rest, group)).map((group) => group.find((word) => usesWord(rest, word))!);
  const negated = groupWords.filter((word) => negationBefore(word).test(rest));
  for (const word of negated) rest = removeWords(rest, [word]);
  const terms = [...contentTerms(rest)].map((term) => (texts.some((t) => t.includes(term)) ? term : nounStem(term))).filter((term): term is string => term !== null && texts.some((t) => t.includes(term)));
  const words = [...new Set([...groupWords.filter((word) => !negated.includes(word)), ...terms])];
  const understood = refinement !== null || category !== null || words.length > 0 || negated.length > 0 || colour !== null || price.minPrice !== null || price.maxPrice !== null;

  const base: ProductSearch = previous && (refinement !== null || !understood || (category === null && words.length === 0))
    ? { ...previous }
    : { category: null, terms: [], without: [], minPrice: null, maxPrice: null, colour: null, shown: [] };
  const search: ProductSearch = {
    category: category ?? base.category,
    terms: words.length > 0 ? [...new Set([...base.terms, ...words])] : base.terms,
    without: [...new Set([...(base.without ?? []), ...negated])],
    minPrice: price.minPrice ?? base.minPrice,
    maxPrice: price.maxPrice ?? base.maxPrice,
    colour: colour ?? base.colour,
    shown: refinement === 'more' ? base.shown : [],
  };
  if (previous && (refinement === 'cheaper' || refinement === 'pricier')) {
    const seen = previous.shown.map((id) => products.find((p) => p.id === id)?.price).filter((p): p is number => p !== undefined);
    if (seen.length > 0 && refinement === 'cheaper') search.maxPrice = Math.min(...seen) - 0.01;
    if (seen.length > 0 && refinement === 'pricier') search.minPrice = Math.max(...seen) + 0.01;
  }
  return { search, refinement, understood };
}

function score(text: string, terms: readonly string[], synonyms: readonly (readonly string[])[]): number {
  let total = 0;
  for (const term of terms) {
    const group = synonyms.find((g) => g.includes(term));
    if (group ? usesAnyWord(text, group) : text.includes(term)) total += group ? 2 : 1;
  }
  return total;
}

/**
 * The products that fit the search, best first, at most RESULTS_SHOWN, and what to say about them.
 * A first search that finds nothing within the price or in stock offers the nearest instead; a
 * refinement that finds nothing new says so (`no_more`) rather than showing the same cards again.
 */
export function searchProducts(products: readonly Product[], search: ProductSearch, synonyms: readonly (readonly string[])[], refining = false): SearchResult {
  const without = search.without ?? [];
  const unwanted = (text: string) => without.some((word) => usesAnyWord(text, synonyms.find((g) => g.includes(word)) ?? [word]));
  const inCategory = products.filter((p) => (search.category === null || p.category === search.category) && !unwanted(productText(p)));
  const scored = inCategory.map((product) => ({ product, score: score(productText(product), search.terms, synonyms) }));
  const best = Math.max(0, ...scored.map((s) => s.score));
  // The request's words narrow the category when they find something; a request of a category alone keeps it whole.
  // With a budget ("300以内") the best within it come first, the dearest; otherwise the cheapest.
  const byPrice = search.maxPrice !== null && search.minPrice === null ? -1 : 1;
  // Those that share at least half of the best's words: a spicy snack request is not answered with seaweed.
  const fitting = scored.filter((s) => s.score === best || (best > 0 && s.score * 2 >= best)).sort((a, b) => b.score - a.score || byPrice * (a.product.price - b.product.price));
  const priceOnly = search.minPrice !== null || search.maxPrice !== null;
  if (fitting.length === 0 || (search.category === null && best === 0 && !priceOnly)) return { status: 'nothing', products: [], search };

  const withinPrice = (p: Product) => (search.minPrice === null || p.price >= search.minPrice) && (search.maxPrice === null || p.price <= search.maxPrice);
  const available = fitting.filter((s) => inStock(s.product, search.colour));
  const priced = available.filter((s) => withinPrice(s.product));
  const fresh = priced.filter((s) => !search.shown.includes(s.product.id));
  const show = (list: Product[], status: SearchStatus): SearchResult => {
    const shown = list.slice(0, RESULTS_SHOWN);
    return { status, products: shown, search: { ...search, shown: [...search.shown, ...shown.map((p) => p.id)] } };
  };
  if (fresh.length > 0) return show(fresh.map((s) => s.product), 'found');
  if (priced.length > 0 || refining) return { status: 'no_more', products: [], search };
  if (available.length > 0) {
    // Nothing within the price: the nearest in price, whichever side.
    const target = search.maxPrice ?? search.minPrice ?? 0;
    return show(available.sort((a, b) => b.score - a.score || Math.abs(a.product.price - target) - Math.abs(b.product.price - target)).map((s) => s.product), 'over_budget');
  }
  // What fits is sold out: the category's products in stock, nearest in price to what fit.
  const target = fitting[0]!.product.price;
  const category = fitting[0]!.product.category;
  const instead = products.filter((p) => p.category === category && inStock(p) && !fitting.some((s) => s.product.id === p.id));
  return show(instead.sort((a, b) => Math.abs(a.price - target) - Math.abs(b.price - target)), 'sold_out');
}
