// Reads a verified Lazada push into the core's message model. Sources (re-check them when Lazada
// changes its pushes):
//   [IM push]  Lazada Open Platform, "Webhook API IM Send Message Notifications" (msg_type 2): the
//              sample {"data": {session_id, message_id, content, from_account_id, from_account_type,
//              send_time (ms), template_id, to_account_id, to_account_type, type, site_id,
//              process_msg, auto_reply, status}, "seller_id", "message_type": 2} with no top-level
//              timestamp.
//   [IM guide] Lazada Open Platform, "Lazada IM Open API" (api best practice): §4.1 the same body,
//              §5 MessageContent per template (1 text {"txt"}, 10006 item {"itemId",…}, 10007 order
//              {"orderId",…}), "Message recall" (a recalled message is pushed again with status 1).
//   [alerts]   "Webhook API Authorization Token Expiration Alert" (msg_type 8: data.app_key,
//              data.auth_expiry_time in seconds, sent once a day from 48 hours before), "Webhook API
//              IM Session Update Notifications" (msg_type 19), "Webhook API Promotion" (msg_type 11,
//              whose sample shows the data alone, without an envelope).
// Only a buyer's (from_account_type 1) user-sent (type 1) text, item or order message reaches the
// bot; everything else is acknowledged and left alone, so the bot never answers itself or Lazada.

import type { MessageContext } from '../../../dialogs/messages.ts';
import { firstIdOf, idOf, isObject, parseJsonString, timeOf, unreadable, type PushReading } from '../shared/push-reading.ts';

export const LAZADA_CHANNEL = 'lazada';
/** Push types ([IM push], [alerts]). `message_type` is the documented name; `msg_type` its label in the tables. */
export const LAZADA_PUSH = { im: 2, tokenExpiring: 8, promotion: 11, sessionUpdate: 19 } as const;
/** from_account_type / to_account_type: 1 buyer, 2 seller [IM push]. */
export const LAZADA_BUYER = 1;
/** type: 1 sent by a user, 2 sent by the system [IM push]. */
export const LAZADA_USER_SENT = 1;
/** status: 0 normal, 1 recalled by its sender [IM push], [IM guide] "Message recall". */
export const LAZADA_RECALLED = 1;
/** template_id of the messages the bot reads and sends [IM guide] §2.2, §5. */
export const LAZADA_TEMPLATE = { text: 1, item: 10006, order: 10007 } as const;

export function readLazadaPush(push: Record<string, unknown>, receivedAt: number, appKey: string): PushReading {
  const type = Number(push.message_type ?? push.msg_type);
  if (Number.isNaN(type)) {
    // [alerts] documents the promotion push by its data alone: acknowledged like other promotions.
    if (idOf(push.promotionId)) return { kind: 'ignored', reason: 'promotion push' };
    return unreadable('message_type is missing', push);
  }
  if (type === LAZADA_PUSH.im) return readImPush(push, receivedAt);
  if (type === LAZADA_PUSH.tokenExpiring) return readTokenAlert(push, appKey);
  return { kind: 'ignored', reason: `push message_type ${type} is not for the bot` };
}

function readImPush(push: Record<string, unknown>, receivedAt: number): PushReading {
  // The sample's data is an object; a JSON string is accepted too (how Lazada sends `content`).
  const data = isObject(push.data) ? push.data : parseJsonString(push.data);
  if (!data) return unreadable('IM push without a data object', push);
  const sessionId = idOf(data.session_id);
  const messageId = idOf(data.message_id);
  if (!sessionId || !messageId) return unreadable('IM push without session_id and message_id', push);
  // Lazada's advice is to tell messages apart by session id + message id ([IM guide] "Message recall").
  const id = `${sessionId}/${messageId}`;
  if (Number(data.status) === LAZADA_RECALLED) return { kind: 'recalled', messageId: id };
  if (Number(data.from_account_type) !== LAZADA_BUYER) return { kind: 'ignored', reason: `from_account_type ${String(data.from_account_type)} is not a buyer` };
  if (data.type !== undefined && Number(data.type) !== LAZADA_USER_SENT) return { kind: 'ignored', reason: `type ${String(data.type)} is a system message` };
  if (data.auto_reply === true) return { kind: 'ignored', reason: 'an automatic reply' };
  // from_account_id is the documented name; from_user_id is accepted as a likely alternative.
  const buyerId = firstIdOf(data.from_account_id, data.from_user_id);
  if (!buyerId) return unreadable('IM push without from_account_id', push);
  // send_time (ms) is the message's own time; the envelope has no timestamp in the IM sample.
  const sentAt = timeOf(data.send_time) ?? timeOf(push.timestamp);
  if (sentAt === null) return unreadable('IM push without send_time', push);
  const content = isObject(data.content) ? data.content : parseJsonString(data.content);
  if (!content) return unreadable('IM push whose content is not a JSON object', push);

  let text = '';
  let context: MessageContext | undefined;
  // Numbers may come as numbers or as numeric strings.
  switch (Number(data.template_id)) {
    case LAZADA_TEMPLATE.text:
      // {"txt"}; a cross-border shop also gets "translateTxt" beside the buyer's own "txt" [IM guide] §5.
      if (typeof content.txt !== 'string') return unreadable('text message without content.txt', push);
      text = content.txt;
      break;
    case LAZADA_TEMPLATE.item: {
      const itemId = firstIdOf(content.itemId, content.item_id);
      if (!itemId) return unreadable('item card without content.itemId', push);
      context = { productId: itemId };
      break;
    }
    case LAZADA_TEMPLATE.order: {
      const orderId = firstIdOf(content.orderId, content.order_id);
      if (!orderId) return unreadable('order card without content.orderId', push);
      context = { orderId };
      break;
    }
    default:
      // System text (2), pictures (3), emoji (4), video (6), vouchers (10008)…: nothing the bot
      // reads; a person sees them in the seller centre.
      return { kind: 'ignored', reason: `template_id ${String(data.template_id)} is not handled` };
  }
  return {
    kind: 'message',
    sentAt,
    message: {
      id,
      conversation: { channel: LAZADA_CHANNEL, conversationId: sessionId, buyerId },
      text,
      ...(context ? { context } : {}),
      receivedAt,
    },
  };
}

/** [alerts] msg_type 8: the seller's authorisation of this app ends at data.auth_expiry_time (seconds). */
function readTokenAlert(push: Record<string, unknown>, appKey: string): PushReading {
  const data = isObject(push.data) ? push.data : {};
  const forApp = idOf(data.app_key);
  if (forApp && forApp !== appKey) return { kind: 'ignored', reason: `token alert for app ${forApp}` };
  const endsAt = timeOf(data.auth_expiry_time);
  if (endsAt === null) return unreadable('token alert without auth_expiry_time', push);
  return { kind: 'authorization', notice: { endsAt, detail: `Lazada: the seller's authorisation ends at ${new Date(endsAt).toISOString()}` } };
}
