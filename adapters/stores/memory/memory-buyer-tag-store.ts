// The embedded BuyerTagStore: each buyer's signals in this process's memory, forgotten as the Redis
// store forgets them (keepSeconds after the last signal). A cap on buyers keeps a flood of guests
// from growing it without bound: the buyer written longest ago goes first.

import type { BuyerSignals, BuyerTagStore, NotedSignals, TagSignal } from '../../../dialogs/buyers/buyer-tags.ts';
import { systemClock, type Clock } from '../../../dialogs/ports.ts';
import { checkStoreKey, ttlWholeSeconds } from '../store-input.ts';
import { ExpiringMap } from './expiring-map.ts';

export class MemoryBuyerTagStore implements BuyerTagStore {
  private readonly buyers: ExpiringMap<BuyerSignals>;

  constructor(options: { clock?: Clock; maxBuyers?: number } = {}) {
    this.buyers = new ExpiringMap(options.clock ?? systemClock, options.maxBuyers ?? 100_000);
  }

  async note(buyer: string, notes: readonly TagSignal[], at: number, keepSeconds: number): Promise<NotedSignals> {
    checkStoreKey(buyer, 'buyer');
    const seconds = ttlWholeSeconds(keepSeconds, 'keepSeconds');
    const before = this.buyers.get(buyer) ?? {};
    if (notes.length === 0) return { before: structuredClone(before), after: structuredClone(before) };
    const signals = { ...before };
    for (const { tag, keepLast } of notes) signals[tag] = [...(signals[tag] ?? []), at].sort((a, b) => a - b).slice(-Math.max(1, keepLast));
    this.buyers.set(buyer, signals, seconds * 1000);
    return { before: structuredClone(before), after: structuredClone(signals) };
  }

  async signals(buyer: string): Promise<BuyerSignals> {
    checkStoreKey(buyer, 'buyer');
    return structuredClone(this.buyers.get(buyer) ?? {});
  }

  async forget(buyer: string): Promise<void> {
    checkStoreKey(buyer, 'buyer');
    this.buyers.delete(buyer);
  }
}
