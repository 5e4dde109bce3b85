// The reminder's words come from the flow files (response "payment_reminder", in
// flows/payment-reminders.yaml), not from code, so a shop words it as it likes, in three languages.
// Here the order is turned into the values its placeholders read: {{reminder.items}},
// {{reminder.total}}, {{reminder.orderId}}, {{reminder.payUrl}}, and {{shop.name}}. A line's colour
// and size read as the buyer reads them ("白色M码", "White M"): the colour by its name in the
// catalog, the size as the flows' `vocabulary.commerce_wording.size_label` writes it.

import { describeVariant } from '../actions/commerce-wording.ts';
import type { Product } from '../commerce/catalog.ts';
import type { Order } from '../commerce/orders.ts';
import { pickVariation, renderVariation } from '../engine/render-replies.ts';
import type { FlowSet } from '../flows/load-flows.ts';
import type { Vocabulary } from '../flows/vocabulary.ts';
import type { Language, LocalText, Reply } from '../messages.ts';

export const PAYMENT_REMINDER_RESPONSE = 'payment_reminder';

/** Order lines listed in a reminder; more are shown as "…". */
const MAX_LINES_SHOWN = 3;

const LOCALES: Record<Language, string> = { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-TW', en: 'en' };

export function formatMoney(amount: number, currency: string, language: Language): string {
  try {
    return new Intl.NumberFormat(LOCALES[language], { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`; // a currency code Intl does not know
  }
}

/**
 * "连帽卫衣(黑色M码)×1、帆布鞋×2" / "Hoodie (Black M) × 1, Canvas shoes × 2". `products` are the
 * lines' products from the catalog (a colour the catalog does not name is shown as the order has it).
 */
export function formatItems(order: Order, language: Language, products: ReadonlyMap<string, Product> = new Map(), vocabulary: Vocabulary = {}): string {
  const chinese = language !== 'en';
  const wording = vocabulary.commerce_wording;
  const lines = order.lines.slice(0, MAX_LINES_SHOWN).map((line) => {
    const product = products.get(line.productId) ?? null;
    const details = wording ? describeVariant(product, line.colour, line.size, language, wording) : [line.colour, line.size].filter(Boolean).join(' ');
    const name = line.name[language];
    const shown = details === '' ? name : chinese ? `${name}(${details})` : `${name} (${details})`;
    return chinese ? `${shown}×${line.quantity}` : `${shown} × ${line.quantity}`;
  });
  if (order.lines.length > MAX_LINES_SHOWN) lines.push('…');
  return lines.join(chinese ? '、' : ', ');
}

/**
 * The reminder for reminder number n of an order, in the buyer's language. Throws when the flow set
 * has no payment_reminder response (the job is retried, then given up with an error in the log).
 */
export function paymentReminderReplies(
  flows: FlowSet,
  order: Order,
  language: Language,
  shopName: LocalText,
  n: number,
  products: ReadonlyMap<string, Product> = new Map(),
): Reply[] {
  const variations = flows.responses.get(PAYMENT_REMINDER_RESPONSE);
  if (!variations || variations.length === 0) throw new Error(`the flows define no "${PAYMENT_REMINDER_RESPONSE}" response`);
  const view = {
    shop: { name: shopName[language] },
    reminder: {
      orderId: order.id,
      items: formatItems(order, language, products, flows.vocabulary),
      total: formatMoney(order.total, order.currency, language),
      payUrl: order.payUrl ?? '',
      number: n,
    },
  };
  const reply = renderVariation(pickVariation(variations, `${order.id}:${n}`), language, view);
  // Without a pay link the card would lead nowhere: the text alone goes.
  if (!order.payUrl && reply.card) delete reply.card;
  return [reply];
}
