// Counter increments added up in memory and written together. Every buyer message adds to half a
// dozen counters (intent, outcome, language, channel, sentiment…) in a minute and an hour bucket,
// and its phrase to the hot-topics counters: written one message at a time that was ~20 Redis
// commands per message and 8 % of a busy server's CPU (`npm run bench -- --profile`). Added up here
// and written at most once per `flushMs`, it is one transaction per counter family and minute.
// The price: a process that dies loses at most the last `flushMs` of counts (insight figures, not
// buyers' messages); a clean stop writes them (InsightRecorder.flush, called by close()).

import { bucketOf, BUCKET_MS, type CounterFamily, type InsightStore } from './insight-store.ts';

interface PendingGroup {
  family: CounterFamily;
  /** The start of the minute these increments fall in (its hour bucket follows from it). */
  at: number;
  increments: Record<string, number>;
}

export class CounterBatch {
  private groups = new Map<string, PendingGroup>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: InsightStore,
    /** 0 writes each addition at once (no batching). */
    private readonly flushMs: number,
    private readonly onError: (error: Error) => void,
  ) {}

  add(at: number, family: CounterFamily, increments: Record<string, number>): void {
    const minute = bucketOf(at, 'minute');
    const key = `${family}:${minute}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { family, at: minute * BUCKET_MS.minute, increments: {} };
      this.groups.set(key, group);
    }
    for (const [field, by] of Object.entries(increments)) group.increments[field] = (group.increments[field] ?? 0) + by;
    if (this.flushMs === 0) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs).unref();
  }

  /** Writes everything added so far; resolves when it is written (or its failure reported). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const groups = [...this.groups.values()];
    this.groups = new Map();
    if (groups.length > 0) {
      this.writing = this.writing.then(() =>
        Promise.all(groups.map((group) => this.store.add(group.at, group.family, group.increments))).then(
          () => undefined,
          (error: Error) => this.onError(error),
        ),
      );
    }
    return this.writing;
  }
}
