// Reads a verified TikTok Shop webhook into the core's message model. Type 14 is a new
// customer-service message; only the buyer's (sender.role BUYER) reach the bot: messages of the
// shop, its agents, TikTok's system and robots are acknowledged and ignored. `content` is a JSON
// string: TEXT {"content"}, PRODUCT_CARD / BUYER_ENTER_FROM_PRODUCT {"product_id"}, ORDER_CARD /
// BUYER_ENTER_FROM_ORDER {"order_id"}. The notification id (tts_notification_id) is the message's
// id, so TikTok's redeliveries are handled once.

import type { MessageContext } from '../../../dialogs/messages.ts';
import { idOf, isObject, parseJsonString, timeOf, unreadable, type PushReading } from '../shared/push-reading.ts';

export const TIKTOK_CHANNEL = 'tiktok';
export const TIKTOK_NEW_MESSAGE = 14;

export function readTiktokWebhook(webhook: Record<string, unknown>, receivedAt: number): PushReading {
  if (webhook.type === undefined) return unreadable('type is missing', webhook);
  if (Number(webhook.type) !== TIKTOK_NEW_MESSAGE) return { kind: 'ignored', reason: `webhook type ${String(webhook.type)} is not a new message` };
  const notificationId = idOf(webhook.tts_notification_id);
  if (!notificationId) return unreadable('tts_notification_id is required', webhook);
  const data = webhook.data;
  if (!isObject(data)) return unreadable('data must be an object', webhook);
  const sender = data.sender;
  if (!isObject(sender)) return unreadable('data.sender must be an object', webhook);
  if (sender.role !== 'BUYER') return { kind: 'ignored', reason: `sender role ${String(sender.role)} is not a buyer` };
  const conversationId = idOf(data.conversation_id);
  const buyerId = idOf(sender.im_user_id);
  if (!conversationId || !buyerId) return unreadable('data.conversation_id and data.sender.im_user_id are required', webhook);
  const content = parseJsonString(data.content);
  if (!content) return unreadable('data.content must be a JSON object in a string', webhook);

  let text = '';
  let context: MessageContext | undefined;
  switch (data.type) {
    case 'TEXT':
      if (typeof content.content !== 'string') return unreadable('a TEXT message needs content.content', webhook);
      text = content.content;
      break;
    case 'PRODUCT_CARD':
    case 'BUYER_ENTER_FROM_PRODUCT': {
      const productId = idOf(content.product_id);
      if (!productId) return unreadable(`${data.type} needs content.product_id`, webhook);
      context = { productId };
      break;
    }
    case 'ORDER_CARD':
    case 'BUYER_ENTER_FROM_ORDER': {
      const orderId = idOf(content.order_id);
      if (!orderId) return unreadable(`${data.type} needs content.order_id`, webhook);
      context = { orderId };
      break;
    }
    default:
      return { kind: 'ignored', reason: `message type ${String(data.type)} is not handled` };
  }
  const sentAt = timeOf(webhook.timestamp);
  if (sentAt === null) return unreadable('timestamp is missing', webhook);
  return {
    kind: 'message',
    sentAt,
    message: {
      id: notificationId,
      conversation: { channel: TIKTOK_CHANNEL, conversationId, buyerId },
      text,
      ...(context ? { context } : {}),
      receivedAt,
    },
  };
}
