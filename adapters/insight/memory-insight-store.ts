// The insight store in this process's memory, for Kefu without Redis. Same behaviour as the Redis
// store (the contract tests run both): buckets expire after the same retention, lists are trimmed.

import {
  BUCKET_MS,
  bucketOf,
  mergeTurn,
  presaleBuyerKey,
  type ConversationTurn,
  type CounterFamily,
  type Granularity,
  type InsightStore,
  type MisunderstoodMessage,
  type OpenConversation,
} from '../../dialogs/insight/insight-store.ts';
import type { Clock } from '../../dialogs/ports.ts';
import { systemClock } from '../../dialogs/ports.ts';
import { BUCKET_KEEP_MS } from './bucket-retention.ts';

const GRANULARITIES: readonly Granularity[] = ['minute', 'hour'];

export class MemoryInsightStore implements InsightStore {
  private readonly buckets = new Map<string, { expiresAt: number; counts: Map<string, number> }>();
  /** As JSON text, exactly as Redis keeps it, so nothing that would not survive Redis passes here. */
  private readonly open = new Map<string, string>();
  private readonly expiring = new Map<string, { value: string; expiresAt: number }>();
  private misunderstood: string[] = [];
  private lastSweep = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  /** Drops expired buckets and markers, at most once a minute (keeps memory bounded). */
  private sweep(): void {
    const now = this.clock.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (bucket.expiresAt <= now) this.buckets.delete(key);
    for (const [key, entry] of this.expiring) if (entry.expiresAt <= now) this.expiring.delete(key);
  }

  async add(at: number, family: CounterFamily, increments: Record<string, number>): Promise<void> {
    this.sweep();
    for (const granularity of GRANULARITIES) {
      const bucket = bucketOf(at, granularity);
      const key = `${family}:${granularity}:${bucket}`;
      const expiresAt = (bucket + 1) * BUCKET_MS[granularity] + BUCKET_KEEP_MS[family][granularity];
      if (expiresAt <= this.clock.now()) continue;
      let entry = this.buckets.get(key);
      if (!entry) this.buckets.set(key, (entry = { expiresAt, counts: new Map() }));
      for (const [field, by] of Object.entries(increments)) entry.counts.set(field, (entry.counts.get(field) ?? 0) + by);
    }
  }

  async read(family: CounterFamily, granularity: Granularity, from: number, to: number): Promise<Record<string, number>[]> {
    const now = this.clock.now();
    const out: Record<string, number>[] = [];
    for (let bucket = from; bucket <= to; bucket++) {
      const entry = this.buckets.get(`${family}:${granularity}:${bucket}`);
      out.push(entry && entry.expiresAt > now ? Object.fromEntries(entry.counts) : {});
    }
    return out;
  }

  async noteTurns(turns: readonly ConversationTurn[], presale?: { keepMs: number }): Promise<boolean[]> {
    return turns.map((turn) => {
      const stored = this.open.get(turn.key);
      const previous = stored ? (JSON.parse(stored) as OpenConversation) : null;
      this.open.set(turn.key, JSON.stringify(mergeTurn(previous, turn)));
      if (turn.presale && presale) void this.markPresaleBuyer(presaleBuyerKey(turn), turn.at, presale.keepMs);
      return previous === null;
    });
  }

  async openConversation(key: string): Promise<OpenConversation | null> {
    const found = this.open.get(key);
    return found ? (JSON.parse(found) as OpenConversation) : null;
  }

  async takeQuietConversations(quietSince: number, limit: number): Promise<OpenConversation[]> {
    const quiet = [...this.open.values()]
      .map((text) => JSON.parse(text) as OpenConversation)
      .filter((c) => c.lastAt <= quietSince)
      .sort((a, b) => a.lastAt - b.lastAt)
      .slice(0, limit);
    for (const conversation of quiet) this.open.delete(conversation.key);
    return quiet;
  }

  private getExpiring(key: string): string | null {
    const entry = this.expiring.get(key);
    return entry && entry.expiresAt > this.clock.now() ? entry.value : null;
  }

  async markPresaleBuyer(buyerKey: string, at: number, keepMs: number): Promise<void> {
    this.sweep();
    this.expiring.set(`presale:${buyerKey}`, { value: String(at), expiresAt: this.clock.now() + keepMs });
  }

  async lastPresale(buyerKey: string): Promise<number | null> {
    const value = this.getExpiring(`presale:${buyerKey}`);
    return value === null ? null : Number(value);
  }

  async claimOnce(key: string, keepMs: number): Promise<boolean> {
    this.sweep();
    if (this.getExpiring(`once:${key}`) !== null) return false;
    this.expiring.set(`once:${key}`, { value: '1', expiresAt: this.clock.now() + keepMs });
    return true;
  }

  async keepMisunderstood(message: MisunderstoodMessage, keep: number): Promise<void> {
    this.misunderstood.unshift(JSON.stringify(message));
    if (this.misunderstood.length > keep) this.misunderstood.length = keep;
  }

  async listMisunderstood(): Promise<MisunderstoodMessage[]> {
    return this.misunderstood.map((m) => JSON.parse(m) as MisunderstoodMessage);
  }

  async forgetMisunderstood(texts: string[]): Promise<void> {
    const forget = new Set(texts);
    this.misunderstood = this.misunderstood.filter((m) => !forget.has((JSON.parse(m) as MisunderstoodMessage).text));
  }
}
