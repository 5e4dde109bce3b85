// A Map whose entries expire by an injected Clock, shared by the memory stores so that tests can
// move time instead of sleeping. Expired entries vanish on read, and a sweep now and then drops the
// ones nobody reads again, so an embedded bot that runs for weeks does not grow without bound.
// With maxEntries it is also capped: past it, expired entries are swept and then the entry written
// longest ago goes (one client opening thousands of conversations a second cannot fill the heap).

import type { Clock } from '../../../dialogs/ports.ts';

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** How often (by the clock) a write also sweeps out every expired entry. */
const SWEEP_EVERY_MS = 60_000;

/** How full a capped map is, for /metrics. */
export interface MemoryStoreStats {
  entries: number;
  /** Entries dropped to stay under maxEntries since start (expired ones not counted). */
  evicted: number;
}

export class ExpiringMap<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private nextSweepAt: number;
  private evicted = 0;

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries = Number.POSITIVE_INFINITY,
  ) {
    this.nextSweepAt = clock.now() + SWEEP_EVERY_MS;
  }

  get stats(): MemoryStoreStats {
    return { entries: this.entries.size, evicted: this.evicted };
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Milliseconds until `key` expires, or undefined when it is absent. */
  remainingMs(key: string): number | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    const left = entry.expiresAt - this.clock.now();
    if (left <= 0) {
      this.entries.delete(key);
      return undefined;
    }
    return left;
  }

  set(key: string, value: V, ttlMs: number): void {
    const now = this.clock.now();
    // Written anew, the key moves to the end: the first entry is always the one written longest ago.
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + ttlMs });
    if (now >= this.nextSweepAt) this.sweep(now);
    if (this.entries.size > this.maxEntries) {
      this.sweep(now);
      while (this.entries.size > this.maxEntries && this.deleteOldest() !== undefined) this.evicted += 1;
    }
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  /** Drops the entry written longest ago (a store's cap: oldest first out); returns its key. */
  deleteOldest(): string | undefined {
    const oldest = this.entries.keys().next();
    if (oldest.done) return undefined;
    this.entries.delete(oldest.value);
    return oldest.value;
  }

  /** Entries held, expired or not: for tests that check idle data is let go. */
  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    this.nextSweepAt = now + SWEEP_EVERY_MS;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}
