// Reads a verified Lazada push into the core's message model. Only IM pushes (message_type 2) from
// the buyer (from_account_type 1) reach the bot; the seller's own messages (type 2, also pushed),
// system messages and other push types are acknowledged and ignored, so the bot never answers itself.
// `content` is a JSON string whose shape depends on template_id: 1 text {"txt"}, 10006 a product
// card {"itemId"}, 10007 an order card {"orderId"}.

import type { MessageContext } from '../../../dialogs/messages.ts';
import { idOf, parseJsonString, type PushReading } from '../shared/push-reading.ts';

export const LAZADA_CHANNEL = 'lazada';
export const LAZADA_IM_PUSH = 2;
export const LAZADA_BUYER = 1;
export const LAZADA_TEMPLATE = { text: 1, item: 10006, order: 10007 } as const;

export function readLazadaPush(push: Record<string, unknown>, receivedAt: number): PushReading {
  if (Number(push.message_type) !== LAZADA_IM_PUSH) return { kind: 'ignored', reason: `push message_type ${String(push.message_type)} is not IM` };
  const data = push.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { kind: 'invalid', reason: 'data must be an object' };
  const im = data as Record<string, unknown>;
  if (Number(im.from_account_type) !== LAZADA_BUYER) return { kind: 'ignored', reason: `from_account_type ${String(im.from_account_type)} is not a buyer` };
  const sessionId = idOf(im.session_id);
  const messageId = idOf(im.message_id);
  const buyerId = idOf(im.from_user_id);
  if (!sessionId || !messageId || !buyerId) return { kind: 'invalid', reason: 'session_id, message_id and from_user_id are required' };
  const content = parseJsonString(im.content);
  if (!content) return { kind: 'invalid', reason: 'content must be a JSON object in a string' };

  let text = '';
  let context: MessageContext | undefined;
  // Numbers may come as numbers or as numeric strings.
  switch (Number(im.template_id)) {
    case LAZADA_TEMPLATE.text:
      if (typeof content.txt !== 'string') return { kind: 'invalid', reason: 'a text message needs content.txt' };
      text = content.txt;
      break;
    case LAZADA_TEMPLATE.item: {
      const itemId = idOf(content.itemId ?? content.item_id);
      if (!itemId) return { kind: 'invalid', reason: 'an item card needs content.itemId' };
      context = { productId: itemId };
      break;
    }
    case LAZADA_TEMPLATE.order: {
      const orderId = idOf(content.orderId ?? content.order_id);
      if (!orderId) return { kind: 'invalid', reason: 'an order card needs content.orderId' };
      context = { orderId };
      break;
    }
    default:
      // Images, stickers, vouchers: nothing the bot reads; a person sees them in the seller centre.
      return { kind: 'ignored', reason: `template_id ${String(im.template_id)} is not handled` };
  }
  return {
    kind: 'message',
    message: {
      id: messageId,
      conversation: { channel: LAZADA_CHANNEL, conversationId: sessionId, buyerId },
      text,
      ...(context ? { context } : {}),
      receivedAt,
    },
  };
}
