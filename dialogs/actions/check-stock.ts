// check_stock: is the asked colour × size in stock? In stock → a quantity band (never the count).
// Sold out → the same size in other colours that are in stock, else the restock date, else similar
// products in stock; each alternative comes with a button that asks about it.
// Sets `status`: no_product | unknown_link | needs_variant | in_stock | partly_in_stock |
// other_colours | restock | similar | sold_out.

import type { Product, Variant } from '../commerce/catalog.ts';
import { findVariant } from '../commerce/variant-mentions.ts';
import { vocabularyPart, type CommerceWording } from '../flows/vocabulary.ts';
import { renderTemplate } from '../flows/templates.ts';
import type { Button, Language } from '../messages.ts';
import type { ActionContext, ActionDefinition, ActionResult } from './action-types.ts';
import { colourName, describeVariant, formatDate, joinAlternatives, joinList, sizeLabel, stockBand } from './commerce-wording.ts';
import { originalQuestion, productInFocus } from './product-in-focus.ts';

const OUTPUTS = ['status', 'question', 'product_name', 'asked', 'band', 'available', 'alternatives', 'restock_date', 'similar_names'] as const;

function stockButton(productId: string, title: string, variantQuery: string, language: Language, wording: CommerceWording): Button {
  return {
    title: renderTemplate(wording.check_button[language], { option: title }).trim(),
    payload: `/ask_stock${JSON.stringify({ product_query: productId, variant_query: variantQuery })}`,
  };
}

function earliest(dates: (string | undefined)[]): string | undefined {
  return dates.filter((d): d is string => Boolean(d)).sort()[0];
}

export const checkStock: ActionDefinition = {
  name: 'check_stock',
  description:
    'Stock of the asked colour and size of the product in focus, with alternatives when sold out. Sets `status` and the texts to say; `final: true` answers without asking for a colour or size.',
  outputs: OUTPUTS,
  vocabulary: ['commerce_wording'],
  async run(context: ActionContext): Promise<ActionResult> {
    const { language, slots, now } = context;
    const wording = vocabularyPart(context.vocabulary, 'commerce_wording');
    const question = originalQuestion(context);
    const focus = await productInFocus(context, question);
    const set: Record<string, unknown> = Object.fromEntries(OUTPUTS.map((o) => [o, null]));
    set.question = question;
    const product = focus.product;
    if (!product) return { set: { ...set, status: focus.unknownLink ? 'unknown_link' : 'no_product' } };
    const switched = focus.switchedTo ? { context: { productId: focus.switchedTo } } : {};
    set.product_name = product.name[language];

    const details = [question, typeof slots.variant_query === 'string' ? slots.variant_query : ''].join(' ');
    const { colour, size } = findVariant(details, product);
    const matches = product.variants.filter((v) => (!colour || v.colour === colour) && (!size || v.size === size));
    const inStock = (v: Variant): boolean => v.stock > 0;
    const totalStock = product.variants.reduce((sum, v) => sum + v.stock, 0);
    const complete = (product.colours.length === 0 || colour !== null) && (product.sizes.length === 0 || size !== null);
    set.asked = describeVariant(product, colour, size, language, wording);

    if (!complete && !colour && !size && totalStock > 0 && context.args.final !== true) {
      const first = product.colours.length > 0 ? 'colour' : 'size';
      const values = [...new Set(product.variants.filter((v) => v.stock > 0).map((v) => (first === 'colour' ? v.colour! : v.size!)))];
      const labels = values.map((v) => (first === 'colour' ? colourName(product, v, language) : sizeLabel(v, language, wording)));
      return { set: { ...set, status: 'needs_variant', available: joinList(labels, language) }, ...switched };
    }
    if (matches.some(inStock)) {
      if (complete) {
        const stock = matches.reduce((sum, v) => sum + v.stock, 0);
        return { set: { ...set, status: 'in_stock', band: stockBand(stock, language, wording) }, ...switched };
      }
      // Part of the choice is open: list what is in stock for the rest.
      const open = colour ? 'size' : 'colour';
      const values = [...new Set(matches.filter(inStock).map((v) => (open === 'size' ? v.size! : v.colour!)))];
      const labels = values.map((v) => (open === 'size' ? sizeLabel(v, language, wording) : colourName(product, v, language)));
      const buttons = values.map((v, i) => {
        const query = open === 'size' ? `${colour ? colourName(product, colour, 'en') : ''} ${v}` : `${colourName(product, v, 'en')} ${size ?? ''}`;
        return stockButton(product.id, `${set.asked ? `${set.asked as string} ` : ''}${labels[i]}`, query.trim(), language, wording);
      });
      return { set: { ...set, status: 'partly_in_stock', available: joinList(labels, language) }, buttons: buttons.slice(0, 6), ...switched };
    }

    // Sold out for what was asked.
    const restock = earliest(matches.map((v) => v.restockDate));
    set.restock_date = restock ? formatDate(restock, language, now) : null;
    if (colour && product.colours.length > 1) {
      const others = product.colours.filter(
        (c) => c.id !== colour && product.variants.some((v) => v.colour === c.id && (!size || v.size === size) && inStock(v)),
      );
      if (others.length > 0) {
        const names = others.map((c) => c.name[language]);
        const buttons = others.map((c) => stockButton(product.id, `${c.name[language]}${size ? ` ${size}` : ''}`, `${c.name.en} ${size ?? ''}`.trim(), language, wording));
        return { set: { ...set, status: 'other_colours', alternatives: joinAlternatives(names, language) }, buttons, ...switched };
      }
    }
    if (restock) return { set: { ...set, status: 'restock' }, ...switched };
    const similar: Product[] = [];
    for (const id of product.similar ?? []) {
      const candidate = await context.catalog.getProduct(id);
      if (candidate && candidate.variants.some(inStock)) similar.push(candidate);
      if (similar.length === 3) break;
    }
    if (similar.length > 0) {
      const buttons = similar.map((p) => ({
        title: p.name[language],
        payload: `/ask_stock${JSON.stringify({ product_query: p.id, ...(size && p.sizes.includes(size) ? { variant_query: size } : {}) })}`,
      }));
      return { set: { ...set, status: 'similar', similar_names: joinList(similar.map((p) => p.name[language]), language) }, buttons, ...switched };
    }
    return { set: { ...set, status: 'sold_out' }, ...switched };
  },
};
