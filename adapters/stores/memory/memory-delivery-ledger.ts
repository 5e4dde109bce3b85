// The embedded DeliveryLedger: which platform message ids this process has claimed or handled.
// Same states as the Redis ledger: a pending claim lapses after its claim TTL, a completed one is
// remembered with its result for keepSeconds, and release() never forgets a completed result.

import { systemClock, type Clock, type DeliveryClaim, type DeliveryLedger } from '../../../dialogs/ports.ts';
import { checkStoreKey, ttlWholeSeconds } from '../store-input.ts';
import { ExpiringMap, type MemoryStoreStats } from './expiring-map.ts';

export interface MemoryDeliveryLedgerOptions {
  clock?: Clock;
  /** Most message records kept; past it the one written longest ago goes (default: no cap). */
  maxEntries?: number;
}

type Entry = { state: 'pending' } | { state: 'done'; result: string };

export class MemoryDeliveryLedger implements DeliveryLedger {
  private readonly entries: ExpiringMap<Entry>;

  constructor(options: MemoryDeliveryLedgerOptions = {}) {
    this.entries = new ExpiringMap(options.clock ?? systemClock, options.maxEntries);
  }

  get stats(): MemoryStoreStats {
    return this.entries.stats;
  }

  async claim(messageKey: string, claimSeconds: number): Promise<DeliveryClaim> {
    checkStoreKey(messageKey, 'messageKey');
    const seconds = ttlWholeSeconds(claimSeconds, 'claimSeconds');
    const entry = this.entries.get(messageKey);
    if (entry === undefined) {
      this.entries.set(messageKey, { state: 'pending' }, seconds * 1000);
      return { status: 'new' };
    }
    return entry.state === 'done' ? { status: 'done', result: entry.result } : { status: 'in_progress' };
  }

  async complete(messageKey: string, result: string, keepSeconds: number): Promise<void> {
    checkStoreKey(messageKey, 'messageKey');
    if (typeof result !== 'string') throw new TypeError('result must be a string');
    const seconds = ttlWholeSeconds(keepSeconds, 'keepSeconds');
    this.entries.set(messageKey, { state: 'done', result }, seconds * 1000);
  }

  async release(messageKey: string): Promise<void> {
    checkStoreKey(messageKey, 'messageKey');
    if (this.entries.get(messageKey)?.state === 'pending') this.entries.delete(messageKey);
  }
}
