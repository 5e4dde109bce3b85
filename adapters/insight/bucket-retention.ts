// How long counter buckets are kept, in Redis and in memory alike: enough for every view
// (1 h against the hour before needs 2 h of minutes; 1 day against the day before needs 48 h of
// hours; results look back 24 h), plus slack. Keys expire by themselves, so memory stays bounded.

import type { CounterFamily, Granularity } from '../../dialogs/insight/insight-store.ts';

const HOUR_MS = 3_600_000;

export const BUCKET_KEEP_MS: Record<CounterFamily, Record<Granularity, number>> = {
  counts: { minute: 3 * HOUR_MS, hour: 8 * 24 * HOUR_MS },
  phrases: { minute: 3 * HOUR_MS, hour: 50 * HOUR_MS },
};
