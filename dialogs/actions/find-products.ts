// find_products: the shopping guide (docs/shopping-path.md, "The shopping guide"). Reads what the
// buyer is looking for ("300以内保暖的外套", "snacks for my girlfriend") or, with
// `with: {refinement: …}`, how they refine the last search ("便宜点的", "换一批", "有黑色的吗"), searches
// the catalog (dialogs/shopping/product-search.ts) and sends what fits as product cards, each with a
// button that asks about its stock. The search is remembered in the conversation, so a refinement
// in a later turn, or in the refining flow a `goto` starts, narrows what the buyer saw.
// Sets `status`: found | over_budget | sold_out | no_more | nothing | unclear (a refinement the
// search cannot use); `count` (cards sent) and `price_limit` (the budget, formatted).

import type { Product } from '../commerce/catalog.ts';
import { vocabularyPart } from '../flows/vocabulary.ts';
import type { Language } from '../messages.ts';
import { RESULTS_SHOWN, SEARCH_CANDIDATES, readRequest, searchProducts, type ProductSearch } from '../shopping/product-search.ts';
import type { ActionContext, ActionDefinition, CardReply } from './action-types.ts';
import { colourName, formatMoney, joinList } from './commerce-wording.ts';
import { originalQuestion } from './product-in-focus.ts';

/** The memory key of the last search (ActionContext.memory). */
export const SEARCH_MEMORY = 'product_search';

function rememberedSearch(memory: Readonly<Record<string, unknown>>): ProductSearch | null {
  const search = memory[SEARCH_MEMORY] as ProductSearch | undefined;
  return search && Array.isArray(search.terms) && Array.isArray(search.shown) ? search : null;
}

function productCard(product: Product, language: Language, buttonTitle: string): CardReply {
  const price = formatMoney(product.price, product.currency);
  const was = product.listPrice && product.listPrice > product.price ? ` (${formatMoney(product.listPrice, product.currency)})` : '';
  const colours = product.colours.filter((c) => product.variants.some((v) => v.colour === c.id && v.stock > 0)).map((c) => colourName(product, c.id, language));
  const subtitle = [`${price}${was}`, colours.length > 0 ? joinList(colours, language) : ''].filter(Boolean).join(' · ');
  return {
    text: `${product.name[language]} ${subtitle}`,
    card: {
      title: product.name[language],
      subtitle,
      productId: product.id,
      ...(product.imageUrl ? { imageUrl: product.imageUrl } : {}),
      ...(product.url ? { url: product.url } : {}),
    },
    buttons: [{ title: buttonTitle, payload: `/ask_stock${JSON.stringify({ product_query: product.id })}` }],
  };
}

/**
 * The products the search runs over: the whole list, or, when the shop's catalog searches by itself
 * (a merchant API with /product-search), its candidates for this request, plus the cards the buyer
 * saw last (a "cheaper" refinement is measured against their prices).
 */
async function productsToSearch(context: ActionContext, text: string, previous: ProductSearch | null): Promise<Product[]> {
  const { catalog } = context;
  if (!catalog.search) return catalog.listProducts();
  const words = vocabularyPart(context.vocabulary, 'product_search');
  const synonyms = context.vocabulary.product_facts?.synonyms ?? [];
  // Category and price are read from the words alone; colours and the words that name products
  // need products, so they are read again over the candidates.
  const asked = readRequest(text, [], words, synonyms, previous).search;
  const candidates = await catalog.search({
    text: [...(previous?.terms ?? []), text].join(' ').trim(),
    category: asked.category,
    minPrice: asked.minPrice,
    maxPrice: asked.maxPrice,
    language: context.language,
    limit: SEARCH_CANDIDATES,
  });
  const missing = (previous?.shown ?? []).slice(-RESULTS_SHOWN).filter((id) => !candidates.some((p) => p.id === id));
  const seen = await Promise.all(missing.map((id) => catalog.getProduct(id)));
  return [...candidates, ...seen.filter((p): p is Product => p !== null)];
}

export const findProducts: ActionDefinition = {
  name: 'find_products',
  description:
    "The shopping guide: the catalog's products that fit the buyer's request (category, price, words, colour, stock), sent as cards; " +
    'with `refinement`, narrows the last search instead (cheaper, dearer, others, a colour, more words). Sets `status` ' +
    '(found, over_budget, sold_out, no_more, nothing, unclear), `count` and `price_limit`.',
  outputs: ['status', 'count', 'price_limit'],
  vocabulary: ['product_search'],
  async run(context) {
    const words = vocabularyPart(context.vocabulary, 'product_search');
    const synonyms = context.vocabulary.product_facts?.synonyms ?? [];
    const refinement = context.args.refinement;
    const refining = typeof refinement === 'string';
    const previous = refining ? rememberedSearch(context.memory) : null;
    const text = refining ? refinement : originalQuestion(context);
    const products = await productsToSearch(context, text, previous);
    const request = readRequest(text, products, words, synonyms, previous);
    if (refining && (!request.understood || previous === null)) return { set: { status: 'unclear', count: 0 } };
    const result = searchProducts(products, request.search, synonyms, refining);
    const currency = products[0]?.currency ?? 'CNY';
    const limit = result.search.maxPrice ?? result.search.minPrice;
    return {
      set: { status: result.status, count: result.products.length, price_limit: limit === null ? null : formatMoney(Math.round(limit), currency) },
      cards: result.products.map((product) => productCard(product, context.language, words.card_button[context.language])),
      remember: { [SEARCH_MEMORY]: result.search },
    };
  },
};
