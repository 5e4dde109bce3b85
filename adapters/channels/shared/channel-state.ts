// What a marketplace channel keeps between the webhook and the worker, behind one interface with a
// memory implementation (the embedded default) and a Redis one (production, several processes):
//   - the inbox: a buyer's message is acknowledged to the platform only once it is queued here, and
//     the bot's work happens afterwards, from the queue; a redelivered message id is queued once;
//   - notes about a conversation: the numbered options a buyer was last shown, so "2" can be read
//     as the second button, and the product or order card the buyer wrote from, for their next message;
//   - the send record: which platform messages of an answer were sent, or may have been (see
//     SendStep), so a retry after a failed send, a crash or a Redis restart never sends one twice;
//   - the message ids a buyer took back (recalled), so a message still waiting is not answered.

import type { InboundMessage } from '../../../dialogs/messages.ts';

/** What a channel notes about a conversation between messages. */
export type NoteName = 'options' | 'context';

/** What beginSend says about one platform message of an answer. */
export type SendStep = 'send' | 'sent' | 'unknown';

/** How long the route would still accept the push that carried a message. */
export interface PushWindow {
  /** Milliseconds from now until the push's own time leaves the replay window. */
  acceptedForMs?: number;
}

/** How long a message id's "seen" mark is kept: the dedupe window, or longer while its push is still acceptable. */
export function seenKeepMs(dedupeSeconds: number, window?: PushWindow): number {
  // A second more than the window, so a mark never expires in the same millisecond the push stops being accepted.
  return Math.max(dedupeSeconds * 1000, Math.ceil(window?.acceptedForMs ?? 0) + 1000);
}

/** Handles one queued message; throwing leaves it queued and it is tried again after a pause. */
export type InboxHandler = (message: InboundMessage, attempt: number) => Promise<void>;

export interface ChannelState {
  /**
   * Queues the message unless its id was queued within the dedupe window ("duplicate" then). The id
   * is remembered for dedupeSeconds, or for as long as the push could still be accepted when the
   * route says that is longer (`acceptedForMs`, a push dated ahead of Kefu's clock): a replay is a
   * duplicate for as long as the route lets it in.
   */
  enqueue(message: InboundMessage, window?: PushWindow): Promise<'queued' | 'duplicate'>;
  /** Starts handing queued messages to `handler`, in order within a conversation. */
  start(handler: InboxHandler): void;
  /** Keeps a note about a conversation for `optionsSeconds`; null removes it. */
  remember(conversationKey: string, note: NoteName, value: unknown): Promise<void>;
  recall<T>(conversationKey: string, note: NoteName): Promise<T | null>;
  /**
   * Marks platform message `index` of the answer to `deliveryId` as being sent, before the send
   * call, and says what to do (record-before-send, docs/scaling.md "Marketplace sends"): "send" when
   * nobody tried it yet (it is now marked pending), "sent" when it was sent, "unknown" when an
   * earlier attempt marked it and never said how the call ended (a crash, Redis lost mid-send, a
   * timeout): it may have reached the buyer, so it is not sent again. Kept for the dedupe window.
   */
  beginSend(conversationKey: string, deliveryId: string, index: number): Promise<SendStep>;
  /** Records how the call of beginSend ended: "sent", or "not_sent" (the platform refused it), which lets a retry send it. */
  endSend(conversationKey: string, deliveryId: string, index: number, outcome: 'sent' | 'not_sent'): Promise<void>;
  /**
   * Notes that the buyer took this message back, for the dedupe window and the future skew: the
   * message itself may arrive after its recall and is accepted until its own time (at most the
   * recall's plus the skew) leaves the window.
   */
  markRecalled(messageId: string): Promise<void>;
  isRecalled(messageId: string): Promise<boolean>;
  /** Stops the worker after the message in hand; queued messages stay queued (in Redis). */
  close(): Promise<void>;
}

export interface ChannelStateOptions {
  /** How long a message id is remembered against redeliveries. */
  dedupeSeconds: number;
  /** How long the last numbered options stay answerable. */
  optionsSeconds: number;
  /** Pause before the first retry of a failed message; doubles on each attempt up to maxRetryMs. */
  retryBaseMs: number;
  maxRetryMs: number;
  /** After this many failed attempts a message is set aside (logged as an error, kept in a dead-letter list). */
  maxAttempts: number;
}

/**
 * The pause before attempt `attempt + 1`: exponential, capped, and never shorter than what the
 * platform asked for (an error's `retryAfterMs`, from a rate-limit answer's Retry-After).
 */
export function retryDelayMs(options: Pick<ChannelStateOptions, 'retryBaseMs' | 'maxRetryMs'>, attempt: number, error?: unknown): number {
  const backoff = Math.min(options.retryBaseMs * 2 ** Math.min(attempt - 1, 20), options.maxRetryMs);
  const asked = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof asked === 'number' && Number.isFinite(asked) ? Math.max(backoff, Math.min(asked, 3_600_000)) : backoff;
}

/** Groups messages by conversation, keeping their order within each group. */
export function byConversation<T extends { message: InboundMessage }>(items: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = `${item.message.conversation.channel}:${item.message.conversation.conversationId}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

/**
 * How many conversations one process works on at once. The bot's work is mostly CPU (understanding
 * the message); more at once would not answer sooner but would make webhooks wait for their
 * acknowledgement behind it, and TikTok allows 3 seconds.
 */
export const CONVERSATIONS_AT_ONCE = 4;

/**
 * Handles items grouped by conversation: in order within a conversation, a few conversations at a
 * time, giving the event loop a turn between messages so waiting webhooks are acknowledged first.
 */
export async function handleByConversation<T extends { message: InboundMessage }>(items: T[], handle: (item: T) => Promise<void>): Promise<void> {
  const groups = byConversation(items);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < groups.length) {
      const group = groups[next++]!;
      for (const item of group) {
        await new Promise((resolve) => setImmediate(resolve));
        await handle(item);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONVERSATIONS_AT_ONCE, groups.length) }, lane));
}
