// Counters added up in memory and written together (dialogs/insight/counter-batch.ts): many turns of
// one minute become one write per counter family, nothing is lost by adding up, a failing store is
// reported and the next writes go on.

import { describe, expect, it } from 'vitest';
import { MemoryInsightStore } from '../../adapters/insight/memory-insight-store.ts';
import { CounterBatch } from '../../dialogs/insight/counter-batch.ts';
import { bucketOf, type CounterFamily } from '../../dialogs/insight/insight-store.ts';

const MINUTE = 60_000;
const at = Date.UTC(2026, 11, 5, 10, 30, 15);

function countingStore(fail = false) {
  const store = new MemoryInsightStore({ now: () => at });
  const adds: { at: number; family: CounterFamily; increments: Record<string, number> }[] = [];
  const add = store.add.bind(store);
  store.add = async (when, family, increments) => {
    adds.push({ at: when, family, increments });
    if (fail) throw new Error('store down');
    await add(when, family, increments);
  };
  return { store, adds };
}

describe('CounterBatch', () => {
  it('writes a minute of turns as one addition per family, with the sums', async () => {
    const { store, adds } = countingStore();
    const batch = new CounterBatch(store, 60_000, () => {});
    for (let i = 0; i < 50; i += 1) {
      batch.add(at + i * 100, 'counts', { turns: 1, 'intent:ask_size': i % 2 });
      batch.add(at + i * 100, 'phrases', { 尺码: 1 });
    }
    expect(adds).toEqual([]);
    await batch.flush();
    expect(adds).toHaveLength(2);
    const [counts] = await store.read('counts', 'minute', bucketOf(at, 'minute'), bucketOf(at, 'minute'));
    expect(counts).toEqual({ turns: 50, 'intent:ask_size': 25 });
    const [hour] = await store.read('phrases', 'hour', bucketOf(at, 'hour'), bucketOf(at, 'hour'));
    expect(hour).toEqual({ 尺码: 50 });
  });

  it('keeps turns of different minutes in their own minute', async () => {
    const { store, adds } = countingStore();
    const batch = new CounterBatch(store, 60_000, () => {});
    batch.add(at, 'counts', { turns: 1 });
    batch.add(at + MINUTE, 'counts', { turns: 2 });
    await batch.flush();
    expect(adds.map((a) => bucketOf(a.at, 'minute'))).toEqual([bucketOf(at, 'minute'), bucketOf(at, 'minute') + 1]);
  });

  it('writes by itself after flushMs, and at once with 0', async () => {
    const { store, adds } = countingStore();
    const timed = new CounterBatch(store, 20, () => {});
    timed.add(at, 'counts', { turns: 1 });
    while (adds.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(adds).toHaveLength(1);
    const immediate = new CounterBatch(store, 0, () => {});
    immediate.add(at, 'counts', { turns: 1 });
    await immediate.flush();
    expect(adds).toHaveLength(2);
  });

  it('reports a store that fails and goes on with the next writes', async () => {
    const failing = countingStore(true);
    const errors: string[] = [];
    const batch = new CounterBatch(failing.store, 60_000, (error) => errors.push(error.message));
    batch.add(at, 'counts', { turns: 1 });
    await batch.flush();
    expect(errors).toEqual(['store down']);
    batch.add(at, 'counts', { turns: 1 });
    await batch.flush();
    expect(errors).toEqual(['store down', 'store down']);
  });
});
