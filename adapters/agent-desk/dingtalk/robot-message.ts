// Reads a robot message as DingTalk delivers it (the same JSON in an HTTP callback body and in a
// Stream frame's `data`): checks every field Kefu uses and keeps nothing else. Anything malformed
// is refused with a reason, never half-read.

/** An agent's message in the desk group, as Kefu uses it. */
export interface RobotMessage {
  /** DingTalk's message id: a redelivery carries the same one. */
  msgId: string;
  msgtype: string;
  /** The text typed (text messages only; empty for pictures, files, rich text). */
  text: string;
  /** The group's open conversation id (`cid…`), the same id the OpenAPI sends to. */
  conversationId: string;
  /** "1" one-to-one with the robot, "2" a group. */
  conversationType: '1' | '2';
  senderNick: string;
  /**
   * The sender's userid in the organisation. DingTalk sends it only for members of the
   * organisation the robot belongs to ("senderStaffId: 企业内部群中@该机器人的成员userid",
   * https://open.dingtalk.com/document/orgapp/receive-message), so an outside contact in the group has none.
   */
  senderStaffId?: string;
  /** The organisation of the sender in this group ("senderCorpId: 企业内部群有的发送者当前群的企业corpId", same page). */
  senderCorpId?: string;
  /** The organisation of the robot ("chatbotCorpId: 加密的机器人所在的企业corpId", same page). */
  chatbotCorpId?: string;
  senderId: string;
  /** Where to answer this message; valid until sessionWebhookExpiredTime. */
  sessionWebhook?: string;
  sessionWebhookExpiredTime?: number;
  createAt: number;
  robotCode?: string;
  /**
   * The text of the message this one quotes (DingTalk's "reply"), when it has one. DingTalk sends it
   * as text.isReplyMsg / text.repliedMsg, which its documentation does not describe: used only as a
   * hint (a hand-off code in the quoted line), never trusted for anything else.
   */
  quotedText?: string;
}

export type ParsedRobotMessage = { ok: true; message: RobotMessage } | { ok: false; reason: string };

const MAX_ID = 256;
const MAX_TEXT = 20_000;
const MAX_URL = 2048;

function shortString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** A millisecond time DingTalk sends as a number or as digits in a string. */
function millis(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d{1,16}$/.test(value)) return Number(value);
  return null;
}

export function parseRobotMessage(body: unknown): ParsedRobotMessage {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, reason: 'message is not a JSON object' };
  const b = body as Record<string, unknown>;
  if (!shortString(b.msgId, MAX_ID)) return { ok: false, reason: 'msgId is missing or too long' };
  if (!shortString(b.msgtype, 64)) return { ok: false, reason: 'msgtype is missing' };
  if (!shortString(b.conversationId, MAX_ID)) return { ok: false, reason: 'conversationId is missing or too long' };
  if (b.conversationType !== '1' && b.conversationType !== '2') return { ok: false, reason: 'conversationType must be "1" or "2"' };
  if (!shortString(b.senderId, MAX_ID)) return { ok: false, reason: 'senderId is missing or too long' };
  const createAt = millis(b.createAt);
  if (createAt === null) return { ok: false, reason: 'createAt is not a time' };
  let text = '';
  let quotedText: string | undefined;
  if (b.msgtype === 'text') {
    const content = (b.text as Record<string, unknown> | undefined)?.content;
    if (typeof content !== 'string') return { ok: false, reason: 'text.content is missing' };
    if (content.length > MAX_TEXT) return { ok: false, reason: 'text is too long' };
    text = content;
    const quoted = quotedTextOf(b.text as Record<string, unknown>);
    if (quoted) quotedText = quoted;
  }
  const message: RobotMessage = {
    msgId: b.msgId,
    msgtype: b.msgtype,
    text,
    conversationId: b.conversationId,
    conversationType: b.conversationType,
    senderNick: typeof b.senderNick === 'string' ? b.senderNick.slice(0, 100) : '',
    senderId: b.senderId,
    createAt,
  };
  if (shortString(b.senderStaffId, MAX_ID)) message.senderStaffId = b.senderStaffId;
  if (shortString(b.senderCorpId, MAX_ID)) message.senderCorpId = b.senderCorpId;
  if (shortString(b.chatbotCorpId, MAX_ID)) message.chatbotCorpId = b.chatbotCorpId;
  if (shortString(b.robotCode, MAX_ID)) message.robotCode = b.robotCode;
  if (quotedText !== undefined) message.quotedText = quotedText;
  // Kept as given; the sender uses it only when it points at DingTalk's own host
  // (DingtalkOpenApi.canUseSessionWebhook), so no message can make Kefu post elsewhere.
  if (shortString(b.sessionWebhook, MAX_URL)) {
    const expires = millis(b.sessionWebhookExpiredTime);
    if (expires !== null) {
      message.sessionWebhook = b.sessionWebhook;
      message.sessionWebhookExpiredTime = expires;
    }
  }
  return { ok: true, message };
}

/** The quoted message's text: repliedMsg.content.text, or the text parts of repliedMsg.content.richText. */
function quotedTextOf(text: Record<string, unknown>): string | undefined {
  if (text.isReplyMsg !== true) return undefined;
  const content = (text.repliedMsg as Record<string, unknown> | undefined)?.content as Record<string, unknown> | undefined;
  if (typeof content !== 'object' || content === null) return undefined;
  if (typeof content.text === 'string') return content.text.slice(0, 2000);
  if (Array.isArray(content.richText)) {
    const parts = content.richText.slice(0, 50).map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
    return parts ? parts.slice(0, 2000) : undefined;
  }
  return undefined;
}
