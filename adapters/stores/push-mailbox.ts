// The push mailbox: web chat messages that are not the answer to a request (an agent's reply, a
// reminder) wait here for the buyer's page, which may be connected to another server process or
// reconnect later and ask for what it missed. Memory and Redis implementations share this contract.

export interface PushItem {
  /** Orders items within a key; pass the last one seen to readAfter. Shaped like a Redis stream id. */
  id: string;
  data: string;
}

export interface PushMailbox {
  /**
   * Appends data for key and returns its id; keeps the last 100 items per key, for keepSeconds after
   * the last append. With `onceId` (what is sent: a desk event, a reminder) the append happens at
   * most once per key and id within keepSeconds: appended again, it adds nothing and returns the
   * first append's id, so a send retried after a crash does not reach the page twice.
   */
  append(key: string, data: string, onceId?: string): Promise<string>;
  /** Items after `afterId` (all kept items when null), oldest first, at most `limit` (default and maximum 100). */
  readAfter(key: string, afterId: string | null, limit?: number): Promise<PushItem[]>;
  /**
   * Calls onAppend after any process appends to key, so the listener reads what is new. It may also
   * be called with nothing new (e.g. when a lost connection comes back, since appends may have been
   * missed meanwhile): a listener re-reads after its last id rather than count calls. Returns unsubscribe.
   */
  subscribe(key: string, onAppend: () => void): () => void;
  close(): Promise<void>;
}

/** Items a mailbox keeps per key. */
export const PUSH_MAILBOX_KEEP_ITEMS = 100;

/** Longest data one item may carry (characters); a pushed reply is a few kilobytes at most. */
export const PUSH_ITEM_MAX_LENGTH = 256 * 1024;

// Same shape as a Redis stream id ("<ms>-<seq>"), each part short enough to be an exact JS number.
const PUSH_ITEM_ID = /^(\d{1,15})-(\d{1,15})$/;

/** True when `id` has the shape of a push item id, e.g. a page's "last seen" id before it reaches readAfter. */
export function isPushItemId(id: unknown): id is string {
  return typeof id === 'string' && PUSH_ITEM_ID.test(id);
}

/** Throws a RangeError unless afterId is null or a push item id. */
export function checkAfterId(afterId: unknown): asserts afterId is string | null {
  if (afterId !== null && !isPushItemId(afterId)) throw new RangeError('afterId is not a push item id');
}

/** Throws unless data is a string within PUSH_ITEM_MAX_LENGTH. */
export function checkPushData(data: unknown): asserts data is string {
  if (typeof data !== 'string') throw new TypeError('push data must be a string');
  if (data.length > PUSH_ITEM_MAX_LENGTH) throw new RangeError(`push data is longer than ${PUSH_ITEM_MAX_LENGTH} characters`);
}

/** The read limit to use: `limit` clamped to 1..PUSH_MAILBOX_KEEP_ITEMS; the maximum when absent or not a number. */
export function readLimit(limit: unknown): number {
  if (typeof limit !== 'number' || Number.isNaN(limit)) return PUSH_MAILBOX_KEEP_ITEMS;
  return Math.max(1, Math.min(Math.floor(limit), PUSH_MAILBOX_KEEP_ITEMS));
}

/** Compares two push item ids in the order they were appended (as Redis orders stream ids). */
export function comparePushItemIds(a: string, b: string): number {
  const [, aMs = '0', aSeq = '0'] = PUSH_ITEM_ID.exec(a) ?? [];
  const [, bMs = '0', bSeq = '0'] = PUSH_ITEM_ID.exec(b) ?? [];
  return Number(aMs) - Number(bMs) || Number(aSeq) - Number(bSeq);
}
