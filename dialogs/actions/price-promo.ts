// price_promo: the price of the product in focus (with the price before a markdown) and the
// promotions that apply to it, or the shop-wide promotions when no product is in focus.

import type { ActionDefinition } from './action-types.ts';
import { formatDate, formatMoney } from './commerce-wording.ts';
import { originalQuestion, productInFocus } from './product-in-focus.ts';

export const pricePromo: ActionDefinition = {
  name: 'price_promo',
  description: 'Sets product_name, price, list_price and promos (one per line) for the product in focus, or the shop-wide promos; `status` is product | shop | unknown_link.',
  outputs: ['status', 'product_name', 'price', 'list_price', 'promos'],
  async run(context) {
    const { catalog, language, now } = context;
    const focus = await productInFocus(context, originalQuestion(context));
    if (focus.unknownLink) return { set: { status: 'unknown_link', product_name: null, price: null, list_price: null, promos: null } };
    const product = focus.product;
    const today = new Date(now).toISOString().slice(0, 10);
    const running = (await catalog.promotions()).filter((p) => !p.endsOn || p.endsOn >= today);
    const applying = running.filter((p) => !p.productIds || (product !== null && p.productIds.includes(product.id)));
    const until = { 'zh-Hans': '截至', 'zh-Hant': '截至', en: 'until' }[language];
    const promos = applying.map((p) => {
      if (!p.endsOn) return `· ${p.text[language]}`;
      const date = formatDate(p.endsOn, language, now);
      return language === 'en' ? `· ${p.text.en} (${until} ${date})` : `· ${p.text[language]}(${until}${date})`;
    });
    return {
      set: {
        status: product ? 'product' : 'shop',
        product_name: product?.name[language] ?? null,
        price: product ? formatMoney(product.price, product.currency) : null,
        list_price: product?.listPrice !== undefined ? formatMoney(product.listPrice, product.currency) : null,
        promos: promos.length > 0 ? promos.join('\n') : null,
      },
      ...(focus.switchedTo ? { context: { productId: focus.switchedTo } } : {}),
    };
  },
};
