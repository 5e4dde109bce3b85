// The embedded PushMailbox: items and listeners live in this process, which is all an embedded bot
// has. Ids have the Redis stream shape ("<ms>-<seq>", increasing), so a page behaves the same on
// both; items expire keepSeconds after the last append to their key, by the injected clock.

import { silentLogger, systemClock, type Clock, type Logger } from '../../../dialogs/ports.ts';
import {
  PUSH_MAILBOX_KEEP_ITEMS,
  checkAfterId,
  checkPushData,
  comparePushItemIds,
  readLimit,
  type PushItem,
  type PushMailbox,
} from '../push-mailbox.ts';
import { PushListeners } from '../push-listeners.ts';
import { checkStoreKey, ttlWholeSeconds } from '../store-input.ts';
import { ExpiringMap, type MemoryStoreStats } from './expiring-map.ts';

export interface MemoryPushMailboxOptions {
  clock?: Clock;
  /** How long a key's items are kept after its last append. Default 86400 (a day). */
  keepSeconds?: number;
  /** Where a listener that throws is reported. */
  logger?: Logger;
  /** Most conversations' mailboxes kept; past it the one appended to longest ago goes (default: no cap). */
  maxEntries?: number;
}

export class MemoryPushMailbox implements PushMailbox {
  private readonly clock: Clock;
  private readonly keepMs: number;
  private readonly mailboxes: ExpiringMap<PushItem[]>;
  /** "<key>\n<onceId>" → the id its append got, kept as long as the key's items. */
  private readonly appendedOnce: ExpiringMap<string>;
  private readonly listeners: PushListeners;
  private lastMs = 0;
  private lastSeq = 0;

  constructor(options: MemoryPushMailboxOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.keepMs = ttlWholeSeconds(options.keepSeconds ?? 86_400, 'keepSeconds') * 1000;
    this.listeners = new PushListeners(options.logger ?? silentLogger);
    this.mailboxes = new ExpiringMap(this.clock, options.maxEntries);
    this.appendedOnce = new ExpiringMap(this.clock, options.maxEntries);
  }

  get stats(): MemoryStoreStats {
    return this.mailboxes.stats;
  }

  async append(key: string, data: string, onceId?: string): Promise<string> {
    checkStoreKey(key);
    checkPushData(data);
    if (onceId !== undefined) {
      checkStoreKey(onceId, 'onceId');
      const appended = this.appendedOnce.get(`${key}\n${onceId}`);
      if (appended !== undefined) return appended;
    }
    const id = this.nextId();
    if (onceId !== undefined) this.appendedOnce.set(`${key}\n${onceId}`, id, this.keepMs);
    const items = this.mailboxes.get(key) ?? [];
    items.push({ id, data });
    if (items.length > PUSH_MAILBOX_KEEP_ITEMS) items.splice(0, items.length - PUSH_MAILBOX_KEEP_ITEMS);
    this.mailboxes.set(key, items, this.keepMs);
    // As with Redis, listeners hear of it after append returns, never inside the appender's code.
    queueMicrotask(() => this.listeners.notify(key));
    return id;
  }

  async readAfter(key: string, afterId: string | null, limit?: number): Promise<PushItem[]> {
    checkStoreKey(key);
    checkAfterId(afterId);
    const items = this.mailboxes.get(key) ?? [];
    const newer = afterId === null ? items : items.filter((item) => comparePushItemIds(item.id, afterId) > 0);
    return newer.slice(0, readLimit(limit)).map((item) => ({ ...item }));
  }

  subscribe(key: string, onAppend: () => void): () => void {
    return this.listeners.add(key, onAppend);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  /** Like Redis: "<ms>-<seq>", strictly increasing even when the clock stands still or goes back. */
  private nextId(): string {
    const now = Math.floor(this.clock.now());
    if (now > this.lastMs) {
      this.lastMs = now;
      this.lastSeq = 0;
    } else {
      this.lastSeq += 1;
    }
    return `${this.lastMs}-${this.lastSeq}`;
  }
}
