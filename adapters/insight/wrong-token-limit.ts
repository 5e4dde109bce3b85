// Counts wrong admin tokens per client address, on every route that takes one (/admin, its APIs,
// its sign-in, /metrics; Bearer header, cookie or sign-in form alike): ten a minute are answered
// 401, the ones after that 429 with Retry-After until the minute is over. The right token is never
// counted and never refused (admin-routes.ts checks it first), so nobody can lock the staff out by
// guessing from the same address (a shared proxy, an office NAT).
//
// Counts live in this process, in a bounded map (the oldest addresses are let go first), so a
// spray of addresses costs a fixed amount of memory; with several processes each counts its own.

import type { Clock } from '../../dialogs/ports.ts';

/** Wrong tokens allowed per address per minute before 429. */
export const WRONG_TOKENS_PER_MINUTE = 10;
const WINDOW_MS = 60_000;
const MAX_ADDRESSES = 10_000;

export class WrongTokenLimit {
  private readonly counts = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly perMinute = WRONG_TOKENS_PER_MINUTE,
  ) {}

  /** Counts one wrong token from `address`; returns the seconds to wait, 0 while under the limit. */
  noteWrong(address: string): number {
    const now = this.clock.now();
    let entry = this.counts.get(address);
    if (!entry || now - entry.since >= WINDOW_MS) {
      // A new minute: re-inserted, so the map's first entries are always the oldest.
      this.counts.delete(address);
      entry = { count: 0, since: now };
      this.counts.set(address, entry);
      if (this.counts.size > MAX_ADDRESSES) this.counts.delete(this.counts.keys().next().value!);
    }
    entry.count += 1;
    if (entry.count <= this.perMinute) return 0;
    return Math.max(1, Math.ceil((entry.since + WINDOW_MS - now) / 1000));
  }
}
