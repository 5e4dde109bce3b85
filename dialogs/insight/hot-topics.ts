// What buyers are asking about right now: the top intents and the top new phrases of the last
// 5 minutes, hour and day, each with its rise against the period before.
// 5 minutes and 1 hour are read from minute buckets; a day from hour buckets (the current hour
// and the 23 before it), so a day is at most one hour coarse at its far end.

import { bucketOf, type CounterFamily, type Granularity, type InsightStore } from './insight-store.ts';

export type Period = '5m' | '1h' | '1d';
export const PERIODS: readonly Period[] = ['5m', '1h', '1d'];

const PERIOD_BUCKETS: Record<Period, { granularity: Granularity; buckets: number }> = {
  '5m': { granularity: 'minute', buckets: 5 },
  '1h': { granularity: 'minute', buckets: 60 },
  '1d': { granularity: 'hour', buckets: 24 },
};

export interface TopicCount {
  name: string;
  count: number;
  previous: number;
  /** count − previous */
  rise: number;
  /** Not seen at all in the previous period. */
  isNew: boolean;
}

export interface HotTopics {
  period: Period;
  intents: TopicCount[];
  /** Phrases that rose most against the previous period (new ones included). */
  risingPhrases: TopicCount[];
  /** The most frequent phrases of the period. */
  topPhrases: TopicCount[];
}

function sum(records: Record<string, number>[], prefix = ''): Map<string, number> {
  const totals = new Map<string, number>();
  for (const record of records) {
    for (const [field, value] of Object.entries(record)) {
      if (!field.startsWith(prefix)) continue;
      const name = field.slice(prefix.length);
      totals.set(name, (totals.get(name) ?? 0) + value);
    }
  }
  return totals;
}

/** Counts of the period ending at `now` and of the period before it. */
export async function periodTotals(
  store: InsightStore,
  family: CounterFamily,
  period: Period,
  now: number,
  prefix = '',
): Promise<{ current: Map<string, number>; previous: Map<string, number> }> {
  const { granularity, buckets } = PERIOD_BUCKETS[period];
  const last = bucketOf(now, granularity);
  const records = await store.read(family, granularity, last - 2 * buckets + 1, last);
  return { previous: sum(records.slice(0, buckets), prefix), current: sum(records.slice(buckets), prefix) };
}

function compare(current: Map<string, number>, previous: Map<string, number>): TopicCount[] {
  return [...current].map(([name, count]) => {
    const before = previous.get(name) ?? 0;
    return { name, count, previous: before, rise: count - before, isNew: before === 0 };
  });
}

const byName = (a: TopicCount, b: TopicCount): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export async function hotTopics(store: InsightStore, period: Period, now: number, top = 10): Promise<HotTopics> {
  const [intents, phrases] = await Promise.all([
    periodTotals(store, 'counts', period, now, 'intent:'),
    periodTotals(store, 'phrases', period, now),
  ]);
  intents.current.delete('-');
  const phraseCounts = compare(phrases.current, phrases.previous);
  return {
    period,
    intents: compare(intents.current, intents.previous).sort((a, b) => b.count - a.count || byName(a, b)).slice(0, top),
    risingPhrases: phraseCounts.filter((p) => p.rise > 0).sort((a, b) => b.rise - a.rise || b.count - a.count || byName(a, b)).slice(0, top),
    topPhrases: phraseCounts.sort((a, b) => b.count - a.count || byName(a, b)).slice(0, top),
  };
}
