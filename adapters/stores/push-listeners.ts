// The pages of this process that listen to a push mailbox, per key. Both mailboxes keep their
// listeners here: the memory one tells them of its own appends, the Redis one of appends its
// subscriber connection heard of from any process. A listener that throws must not keep the
// other pages of that key from reading.

import type { Logger } from '../../dialogs/ports.ts';
import { checkStoreKey } from './store-input.ts';

export class PushListeners {
  private readonly byKey = new Map<string, Set<() => void>>();

  constructor(private readonly logger: Logger) {}

  /** Adds onAppend as a listener of key (after checking both) and returns its unsubscribe. */
  add(key: string, onAppend: () => void): () => void {
    checkStoreKey(key);
    if (typeof onAppend !== 'function') throw new TypeError('onAppend must be a function');
    // A wrapper per call, so subscribing the same function twice needs two unsubscribes, as in Redis.
    const listener = (): void => onAppend();
    let set = this.byKey.get(key);
    if (set === undefined) {
      set = new Set();
      this.byKey.set(key, set);
    }
    set.add(listener);
    return () => {
      const current = this.byKey.get(key);
      if (current === undefined) return;
      current.delete(listener);
      if (current.size === 0) this.byKey.delete(key);
    };
  }

  /** The keys that have listeners now. */
  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** Calls every listener of key; one unsubscribed meanwhile (by an earlier one, say) is skipped. */
  notify(key: string): void {
    for (const listener of [...(this.byKey.get(key) ?? [])]) {
      if (!this.byKey.get(key)?.has(listener)) continue;
      try {
        listener();
      } catch (error) {
        this.logger.warn({ err: error, key }, 'push mailbox listener failed');
      }
    }
  }

  clear(): void {
    this.byKey.clear();
  }
}
