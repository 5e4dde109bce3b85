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
import { checkStoreKey, ttlWholeSeconds } from '../store-input.ts';
import { ExpiringMap } from './expiring-map.ts';

export interface MemoryPushMailboxOptions {
  clock?: Clock;
  /** How long a key's items are kept after its last append. Default 86400 (a day). */
  keepSeconds?: number;
  /** Where a listener that throws is reported. */
  logger?: Logger;
}

export class MemoryPushMailbox implements PushMailbox {
  private readonly clock: Clock;
  private readonly keepMs: number;
  private readonly logger: Logger;
  private readonly mailboxes: ExpiringMap<PushItem[]>;
  private readonly listeners = new Map<string, Set<() => void>>();
  private lastMs = 0;
  private lastSeq = 0;

  constructor(options: MemoryPushMailboxOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.keepMs = ttlWholeSeconds(options.keepSeconds ?? 86_400, 'keepSeconds') * 1000;
    this.logger = options.logger ?? silentLogger;
    this.mailboxes = new ExpiringMap(this.clock);
  }

  async append(key: string, data: string): Promise<string> {
    checkStoreKey(key);
    checkPushData(data);
    const id = this.nextId();
    const items = this.mailboxes.get(key) ?? [];
    items.push({ id, data });
    if (items.length > PUSH_MAILBOX_KEEP_ITEMS) items.splice(0, items.length - PUSH_MAILBOX_KEEP_ITEMS);
    this.mailboxes.set(key, items, this.keepMs);
    for (const listener of this.listeners.get(key) ?? []) queueMicrotask(() => this.notify(key, listener));
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
    checkStoreKey(key);
    if (typeof onAppend !== 'function') throw new TypeError('onAppend must be a function');
    // A wrapper per call, so subscribing the same function twice needs two unsubscribes, as in Redis.
    const listener = (): void => onAppend();
    let set = this.listeners.get(key);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(key);
      if (current === undefined) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(key);
    };
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

  private notify(key: string, listener: () => void): void {
    if (!this.listeners.get(key)?.has(listener)) return; // unsubscribed since the append
    try {
      listener();
    } catch (error) {
      this.logger.warn({ err: error, key }, 'push mailbox listener failed');
    }
  }
}
