// Renders one reply bubble as TikTok Shop customer-service messages: TEXT with the buttons as
// numbered options, then PRODUCT_CARD or ORDER_CARD when the card names a product or an order
// (other cards become text lines). `content` is itself a JSON string, as the API requires. A TEXT
// message holds at most TIKTOK_TEXT_LIMIT characters (Send Message API reference, TEXT content:
// "2000 characters" as issue 17 quotes it; the page itself was not stored where this was checked);
// a longer text is sent as several (shared/split-text.ts).

import type { Reply } from '../../../dialogs/messages.ts';
import { cardAsText } from '../shared/card-text.ts';
import { textWithNumberedOptions } from '../shared/numbered-options.ts';
import { splitForLimit } from '../shared/split-text.ts';

export const TIKTOK_TEXT_LIMIT = 2000;

export interface TiktokMessageBody {
  type: 'TEXT' | 'PRODUCT_CARD' | 'ORDER_CARD';
  content: string;
}

export function renderTiktokReply(reply: Reply): TiktokMessageBody[] {
  const messages: TiktokMessageBody[] = [];
  let text = textWithNumberedOptions(reply);
  const card = reply.card;
  if (card && !card.productId && !card.orderId) text = [text, cardAsText(card)].filter(Boolean).join('\n');
  if (text) for (const part of splitForLimit(text, TIKTOK_TEXT_LIMIT)) messages.push({ type: 'TEXT', content: JSON.stringify({ content: part }) });
  if (card?.productId) messages.push({ type: 'PRODUCT_CARD', content: JSON.stringify({ product_id: card.productId }) });
  else if (card?.orderId) messages.push({ type: 'ORDER_CARD', content: JSON.stringify({ order_id: card.orderId }) });
  return messages;
}
