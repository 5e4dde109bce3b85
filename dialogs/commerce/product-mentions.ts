// Finds the product a buyer names or links to in a message: a pasted product URL (any query string
// or fragment, http or https, trailing slash or not), or a product's name or alias in either Chinese
// script or English. The longest name wins ("翻领T恤" is the polo, not the "T恤"); short Latin
// aliases must stand as whole words ("cap" is not in "capacity").

import type { Product } from './catalog.ts';
import { toSimplified } from '../language/chinese-script.ts';

const URL_PATTERN = /https?:\/\/[^\s<>"'，。！？、]+/gi;
const LATIN = /^[a-z0-9][a-z0-9 .'&-]*$/;

function normalise(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase();
}

/** host + path, lower-case, without "www.", a trailing slash, the query or the fragment. */
function urlKey(raw: string): string | null {
  try {
    const url = new URL(raw.replace(/[).,;!?]+$/, ''));
    return `${url.hostname.replace(/^www\./, '')}${url.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return null;
  }
}

/** The links in a message (for telling a buyer a pasted link is not one of the shop's products). */
export function linksIn(text: string): string[] {
  return text.match(URL_PATTERN) ?? [];
}

/** Whether `needle` is in `haystack`; a Latin needle (`latin`: LATIN.test(needle)) only as a whole word. */
function containsWord(haystack: string, needle: string, latin: boolean): boolean {
  if (!latin) return haystack.includes(needle);
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) return false;
    const before = haystack[at - 1];
    const after = haystack[at + needle.length];
    if ((before === undefined || !/[a-z0-9]/.test(before)) && (after === undefined || !/[a-z0-9]/.test(after))) return true;
    from = at + 1;
  }
}

interface MentionIndex {
  /** Normalised names and aliases, longest first; whether each is Latin (matched as a whole word) is worked out once. */
  names: { needle: string; latin: boolean; product: Product }[];
  urls: Map<string, Product>;
}

// Normalising every name (Traditional → Simplified through OpenCC) on every message would cost
// milliseconds; catalogs hand out the same list until it changes, so the index is built once per list.
const indexes = new WeakMap<readonly Product[], MentionIndex>();

function indexOf(products: readonly Product[]): MentionIndex {
  const cached = indexes.get(products);
  if (cached) return cached;
  const names: MentionIndex['names'] = [];
  const urls = new Map<string, Product>();
  for (const product of products) {
    for (const name of new Set([product.name['zh-Hans'], product.name['zh-Hant'], product.name.en, ...product.aliases])) {
      const needle = normalise(name).trim();
      if (needle.length < 2 && !/[\u4e00-\u9fff]/.test(needle)) continue;
      names.push({ needle, latin: LATIN.test(needle), product });
    }
    const key = product.url ? urlKey(product.url) : null;
    if (key && !urls.has(key)) urls.set(key, product);
  }
  names.sort((a, b) => b.needle.length - a.needle.length);
  const index = { names, urls };
  indexes.set(products, index);
  return index;
}

/** The product the text names or links to, or null. */
export function findProductMention(text: string, products: readonly Product[]): Product | null {
  const index = indexOf(products);
  const links = linksIn(text);
  for (const link of links) {
    const key = urlKey(link);
    const linked = key ? index.urls.get(key) : undefined;
    if (linked) return linked;
  }
  const withoutLinks = normalise(text.replace(URL_PATTERN, ' '));
  // Longest first: the first name found is the most specific.
  return index.names.find(({ needle, latin }) => containsWord(withoutLinks, needle, latin))?.product ?? null;
}

/** Finds a product by its id or by a mention in the text (for a product chosen with a button or typed). */
export function resolveProduct(query: string, products: readonly Product[]): Product | null {
  const trimmed = query.trim();
  return products.find((p) => p.id === trimmed) ?? findProductMention(trimmed, products);
}
