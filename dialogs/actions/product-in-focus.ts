// Which product an action is about: the one the buyer chose with a button or named when asked
// (`product_query`), else the conversation's product (the page the chat was opened from, or the last
// product the buyer named or linked). Stock is always read fresh from the catalog.

import type { Product } from '../commerce/catalog.ts';
import { findProductMention, linksIn, resolveProduct } from '../commerce/product-mentions.ts';
import type { ActionContext } from './action-types.ts';

export interface ProductInFocus {
  product: Product | null;
  /** True when the buyer pasted a link that is none of the shop's products. */
  unknownLink: boolean;
  /** Set when the product differs from the conversation's, so later questions follow it. */
  switchedTo?: string;
}

export async function productInFocus(context: ActionContext, question: string): Promise<ProductInFocus> {
  const query = typeof context.slots.product_query === 'string' ? context.slots.product_query : '';
  const texts = [query, question].filter(Boolean);
  const products = await context.catalog.listProducts();
  for (const text of texts) {
    const found = text === query ? resolveProduct(text, products) : findProductMention(text, products);
    if (found) {
      const fresh = await context.catalog.getProduct(found.id);
      return { product: fresh, unknownLink: false, ...(fresh && fresh.id !== context.context.productId ? { switchedTo: fresh.id } : {}) };
    }
  }
  if (texts.some((t) => linksIn(t).length > 0)) return { product: null, unknownLink: true };
  if (query) return { product: null, unknownLink: false };
  const id = context.context.productId;
  return { product: id ? await context.catalog.getProduct(id) : null, unknownLink: false };
}

/** The buyer's original question, kept across the turns where the flow asked which product. */
export function originalQuestion(context: ActionContext): string {
  return typeof context.slots.question === 'string' ? context.slots.question : context.text;
}
