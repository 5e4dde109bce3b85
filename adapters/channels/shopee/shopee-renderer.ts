// Renders one reply bubble as Shopee sellerchat messages: "text" with the buttons as numbered
// options, then an "item" or "order" message when the card names a product or an order (Shopee's
// ids: item_id is a number, order_sn a string); other cards become text lines.

import type { Reply } from '../../../dialogs/messages.ts';
import { cardAsText } from '../shared/card-text.ts';
import { textWithNumberedOptions } from '../shared/numbered-options.ts';
import { splitForLimit } from '../shared/split-text.ts';

/**
 * The longest text Kefu sends in one sellerchat message. NOT confirmed (the sellerchat reference is
 * open to whitelisted partners only): 1,000 characters, a conservative guess; a longer text is sent
 * as several messages (shared/split-text.ts).
 */
export const SHOPEE_TEXT_LIMIT = 1000;

export type ShopeeMessageBody =
  | { message_type: 'text'; content: { text: string } }
  | { message_type: 'item'; content: { item_id: number } }
  | { message_type: 'order'; content: { order_sn: string } };

export function renderShopeeReply(reply: Reply): ShopeeMessageBody[] {
  const messages: ShopeeMessageBody[] = [];
  const card = reply.card;
  const itemId = card?.productId && /^\d{1,15}$/.test(card.productId) ? Number(card.productId) : null;
  let text = textWithNumberedOptions(reply);
  if (card && itemId === null && !card.orderId) text = [text, cardAsText(card)].filter(Boolean).join('\n');
  if (text) for (const part of splitForLimit(text, SHOPEE_TEXT_LIMIT)) messages.push({ message_type: 'text', content: { text: part } });
  if (itemId !== null) messages.push({ message_type: 'item', content: { item_id: itemId } });
  else if (card?.orderId) messages.push({ message_type: 'order', content: { order_sn: card.orderId } });
  return messages;
}
