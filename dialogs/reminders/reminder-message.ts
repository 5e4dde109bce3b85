// The reminder's words come from the flow files (response "payment_reminder", in
// flows/payment-reminders.yaml), not from code, so a shop words it as it likes, in three languages.
// Here the order is turned into the values its placeholders read: {{reminder.items}},
// {{reminder.total}}, {{reminder.orderId}}, {{reminder.payUrl}}, and {{shop.name}}.

import type { Order } from '../commerce/orders.ts';
import { pickVariation, renderVariation } from '../engine/render-replies.ts';
import type { FlowSet } from '../flows/load-flows.ts';
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

/** "连帽卫衣(M,黑色)×1、帆布鞋 ×2" / "Hoodie (M, black) × 1, Canvas shoes × 2". */
export function formatItems(order: Order, language: Language): string {
  const chinese = language !== 'en';
  const lines = order.lines.slice(0, MAX_LINES_SHOWN).map((line) => {
    const details = [line.size, line.colour].filter((part): part is string => Boolean(part));
    const name = line.name[language];
    const shown = details.length === 0 ? name : chinese ? `${name}(${details.join(',')})` : `${name} (${details.join(', ')})`;
    return chinese ? `${shown}×${line.quantity}` : `${shown} × ${line.quantity}`;
  });
  if (order.lines.length > MAX_LINES_SHOWN) lines.push('…');
  return lines.join(chinese ? '、' : ', ');
}

/**
 * The reminder for reminder number n of an order, in the buyer's language. Throws when the flow set
 * has no payment_reminder response (the job is retried, then given up with an error in the log).
 */
export function paymentReminderReplies(flows: FlowSet, order: Order, language: Language, shopName: LocalText, n: number): Reply[] {
  const variations = flows.responses.get(PAYMENT_REMINDER_RESPONSE);
  if (!variations || variations.length === 0) throw new Error(`the flows define no "${PAYMENT_REMINDER_RESPONSE}" response`);
  const view = {
    shop: { name: shopName[language] },
    reminder: {
      orderId: order.id,
      items: formatItems(order, language),
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
