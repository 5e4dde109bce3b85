// The embedded ProofAttempts: failed order-proof tries per key, in this process's memory, each key
// forgotten a window after its first failure (as the Redis store does). A cap on keys keeps a flood
// of conversations from growing it without bound: the oldest key goes first.

import type { ProofAttempts } from '../../../dialogs/commerce/order-proof.ts';
import { systemClock, type Clock } from '../../../dialogs/ports.ts';
import { checkStoreKey, ttlWholeSeconds } from '../store-input.ts';
import { ExpiringMap } from './expiring-map.ts';

export interface MemoryProofAttemptsOptions {
  clock?: Clock;
  /** Most keys kept (default 100,000). */
  maxKeys?: number;
}

export class MemoryProofAttempts implements ProofAttempts {
  private readonly counts: ExpiringMap<number>;

  constructor(options: MemoryProofAttemptsOptions = {}) {
    this.counts = new ExpiringMap(options.clock ?? systemClock, options.maxKeys ?? 100_000);
  }

  async recordFailure(keys: readonly string[], windowSeconds: number): Promise<number[]> {
    const seconds = ttlWholeSeconds(windowSeconds, 'windowSeconds');
    return keys.map((key) => {
      checkStoreKey(key);
      const left = this.counts.remainingMs(key);
      const count = (this.counts.get(key) ?? 0) + 1;
      // The window runs from the first failure: a later one does not extend it.
      this.counts.set(key, count, left ?? seconds * 1000);
      return count;
    });
  }

  async failures(keys: readonly string[]): Promise<number[]> {
    return keys.map((key) => {
      checkStoreKey(key);
      return this.counts.get(key) ?? 0;
    });
  }
}
