// Renders one reply bubble as Lazada IM messages: the text with its buttons as numbered options,
// then the card as Lazada's own item card or order card when it names a product or an order, else
// as lines of text. Parameters as the API reference "SendMessage" (/im/message/send) names them:
// template_id 1 with txt, 10006 with item_id, 10007 with order_id (the IM guide's examples write
// itemId / orderId; the reference's parameter table, which the gateway checks, says item_id / order_id).

import type { Reply } from '../../../dialogs/messages.ts';
import { cardAsText } from '../shared/card-text.ts';
import { textWithNumberedOptions } from '../shared/numbered-options.ts';
import { splitForLimit } from '../shared/split-text.ts';

/**
 * The longest `txt` Kefu sends in one message. NOT confirmed: "SendMessage" states no limit for txt;
 * 1,000 characters is a conservative guess (Lazada's chat shows far shorter bubbles), and a longer
 * text is sent as several messages (shared/split-text.ts).
 */
export const LAZADA_TEXT_LIMIT = 1000;
import { LAZADA_TEMPLATE } from './lazada-push.ts';

/** The API parameters of one /im/message/send call, without the session and the signature. */
export type LazadaMessageParams = Record<string, string>;

export function renderLazadaReply(reply: Reply): LazadaMessageParams[] {
  const messages: LazadaMessageParams[] = [];
  let text = textWithNumberedOptions(reply);
  const card = reply.card;
  if (card && !card.productId && !card.orderId) text = [text, cardAsText(card)].filter(Boolean).join('\n');
  if (text) for (const part of splitForLimit(text, LAZADA_TEXT_LIMIT)) messages.push({ template_id: String(LAZADA_TEMPLATE.text), txt: part });
  if (card?.productId) messages.push({ template_id: String(LAZADA_TEMPLATE.item), item_id: card.productId });
  else if (card?.orderId) messages.push({ template_id: String(LAZADA_TEMPLATE.order), order_id: card.orderId });
  return messages;
}
