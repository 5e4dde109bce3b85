// Contract of the InsightStore port, run against the memory store and the Redis store alike:
// counters add up per minute and hour and expire by themselves, a quiet conversation goes to one
// caller only, orders are claimed once, the trainer's list is bounded.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bucketOf, type ConversationTurn, type InsightStore, type OpenConversation } from '../../dialogs/insight/insight-store.ts';
import { MemoryInsightStore } from '../../adapters/insight/memory-insight-store.ts';
import { RedisInsightStore } from '../../adapters/insight/redis-insight-store.ts';
import { connectClusterRedis, connectSharedRedis } from '../support/redis-fixtures.ts';
import { keysWithPrefix } from '../support/redis-server.ts';
import { elapseRedisTtls, manualClock } from '../support/store-test-kit.ts';

interface Fixture {
  store: InsightStore;
  /** A second store on the same backing data, as another process would hold. */
  another(): Promise<InsightStore>;
  elapse(ms: number): Promise<void>;
  /** How many keys/buckets the store holds now. */
  footprint(): Promise<number>;
  close(): Promise<void>;
}

const NOW = Date.now();

/** The Redis store on one Redis or a Cluster; TTLs elapse by shortening them. */
async function redisFixture(connecting: ReturnType<typeof connectSharedRedis> | ReturnType<typeof connectClusterRedis>): Promise<Fixture> {
  const redis = await connecting;
  return {
    store: new RedisInsightStore({ client: redis.client, prefix: redis.prefix }),
    another: async () => new RedisInsightStore({ client: await redis.connectAnother(), prefix: redis.prefix }),
    elapse: (ms) => elapseRedisTtls(redis.client, redis.prefix, ms / 1000),
    footprint: async () => (await keysWithPrefix(redis.client, redis.prefix)).length,
    close: redis.close,
  };
}

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'memory',
    async () => {
      const clock = manualClock(NOW);
      const store = new MemoryInsightStore(clock);
      return {
        store,
        another: async () => store,
        elapse: async (ms) => clock.advance(ms),
        footprint: async () => (store as unknown as { buckets: Map<string, unknown> }).buckets.size,
        close: async () => {},
      };
    },
  ],
  ['redis', () => redisFixture(connectSharedRedis('insight'))],
  ['redis cluster', () => redisFixture(connectClusterRedis('insight'))],
];

const conversation = (key: string, lastAt: number): OpenConversation => ({
  key, channel: 'webchat', buyerId: `b-${key}`, firstAt: lastAt, lastAt, lastOutcome: 'answered', handoffReason: null, presale: false,
});

const turn = (key: string, at: number, extra: Partial<ConversationTurn> = {}): ConversationTurn => ({
  key, channel: 'webchat', buyerId: `b-${key}`, at, outcome: 'answered', handoffReason: null, presale: false, ...extra,
});

/** One turn noted alone. */
const noteOne = async (store: InsightStore, one: ConversationTurn, presale?: { keepMs: number }): Promise<boolean> => (await store.noteTurns([one], presale))[0]!;

describe.each(implementations)('InsightStore contract: %s', (_name, makeFixture) => {
  let fixture: Fixture;
  let store: InsightStore;
  beforeEach(async () => {
    fixture = await makeFixture();
    store = fixture.store;
  });
  afterEach(() => fixture.close());

  it('adds counters into the minute and the hour, and reads ranges in order with empty buckets', async () => {
    const minute = bucketOf(NOW, 'minute');
    await store.add(NOW, 'counts', { turns: 1, 'intent:ask_size': 1 });
    await store.add(NOW, 'counts', { turns: 2 });
    await store.add(NOW - 60_000, 'counts', { turns: 5 });
    await store.add(NOW, 'phrases', { 还有货吗: 1 });
    expect(await store.read('counts', 'minute', minute - 2, minute)).toEqual([{}, { turns: 5 }, { turns: 3, 'intent:ask_size': 1 }]);
    const hour = bucketOf(NOW, 'hour');
    const hours = await store.read('counts', 'hour', hour - 1, hour);
    expect(hours.reduce((sum, h) => sum + (h.turns ?? 0), 0)).toBe(8);
    expect(await store.read('phrases', 'minute', minute, minute)).toEqual([{ 还有货吗: 1 }]);
    expect(await store.read('counts', 'minute', minute, minute - 1)).toEqual([]);
  });

  it('forgets minute buckets after hours and hour buckets after days: memory stays bounded', async () => {
    const minute = bucketOf(NOW, 'minute');
    const hour = bucketOf(NOW, 'hour');
    await store.add(NOW, 'counts', { turns: 1 });
    await store.add(NOW, 'phrases', { x: 1 });
    expect(await fixture.footprint()).toBeGreaterThan(0);
    await fixture.elapse(4 * 3_600_000);
    expect(await store.read('counts', 'minute', minute, minute)).toEqual([{}]);
    expect(await store.read('counts', 'hour', hour, hour)).toEqual([{ turns: 1 }]);
    await fixture.elapse(9 * 24 * 3_600_000);
    expect(await store.read('counts', 'hour', hour, hour)).toEqual([{}]);
    expect(await store.read('phrases', 'hour', hour, hour)).toEqual([{}]);
  });

  it('hands each quiet conversation to one caller only, also with two callers at once', async () => {
    for (let i = 0; i < 40; i++) await noteOne(store, turn(`c${i}`, NOW - 60_000 - i));
    await noteOne(store, turn('recent', NOW));
    expect(await store.openConversation('c3')).toEqual(conversation('c3', NOW - 60_003));
    const other = await fixture.another();
    const [a, b] = await Promise.all([
      Promise.all([store.takeQuietConversations(NOW - 30_000, 7), store.takeQuietConversations(NOW - 30_000, 7), store.takeQuietConversations(NOW - 30_000, 100)]),
      Promise.all([other.takeQuietConversations(NOW - 30_000, 5), other.takeQuietConversations(NOW - 30_000, 100)]),
    ]);
    const taken = [...a.flat(), ...b.flat()].map((c) => c.key);
    expect(taken.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `c${i}`).sort());
    expect(await store.openConversation('c3')).toBeNull();
    expect(await store.openConversation('recent')).not.toBeNull();
  });

  it("merges each turn into its conversation's state and tells when the conversation is new", async () => {
    expect(await store.openConversation('m1')).toBeNull();
    expect(await noteOne(store, turn('m1', NOW - 5000, { outcome: 'asked' }))).toBe(true);
    expect(await noteOne(store, turn('m1', NOW - 3000, { outcome: 'handed_off', handoffReason: 'asked_for_human', presale: true }))).toBe(false);
    // An older turn noted late: the outcome is the latest noted, the times stay the widest.
    expect(await noteOne(store, turn('m1', NOW - 4000, { outcome: 'relayed', handoffReason: 'complaint' }))).toBe(false);
    expect(await store.openConversation('m1')).toEqual({
      key: 'm1', channel: 'webchat', buyerId: 'b-m1', firstAt: NOW - 5000, lastAt: NOW - 3000, lastOutcome: 'relayed', handoffReason: 'asked_for_human', presale: true,
    });
    // Filed in the quiet index under its last message, not the late turn's time.
    expect(await store.takeQuietConversations(NOW - 3500, 10)).toEqual([]);
    expect((await store.takeQuietConversations(NOW - 3000, 10)).map((c) => c.key)).toEqual(['m1']);
    // Settled, then the buyer comes back: open again, and new again.
    expect(await noteOne(store, turn('m1', NOW))).toBe(true);
    expect(await store.openConversation('m1')).toMatchObject({ firstAt: NOW, lastAt: NOW, handoffReason: null, presale: false });
  });

  it('notes a batch of turns in order, one flag per turn, however many there are', async () => {
    // One process's turns of a second, several of one conversation among them (and more than one
    // script call's worth).
    const batch = Array.from({ length: 1203 }, (_, i) => turn(`k${i % 401}`, NOW - 100_000 + i, { outcome: i >= 802 ? 'handed_off' : 'answered', presale: i === 5 }));
    const started = await store.noteTurns(batch, { keepMs: 60_000 });
    expect(started).toHaveLength(1203);
    expect(started.map((isNew, i) => isNew === i < 401)).not.toContain(false);
    expect(await store.openConversation('k5')).toEqual({
      key: 'k5', channel: 'webchat', buyerId: 'b-k5', firstAt: NOW - 100_000 + 5, lastAt: NOW - 100_000 + 807, lastOutcome: 'handed_off', handoffReason: null, presale: true,
    });
    expect(await store.lastPresale('webchat:b-k5')).toBe(NOW - 100_000 + 5);
    expect(await store.noteTurns([])).toEqual([]);
  });

  it('marks a pre-sale buyer with the turn only when asked to and the turn is pre-sale', async () => {
    await noteOne(store, turn('p1', NOW - 2000, { presale: true }));
    expect(await store.lastPresale('webchat:b-p1')).toBeNull();
    await noteOne(store, turn('p1', NOW - 1000), { keepMs: 20_000 });
    expect(await store.lastPresale('webchat:b-p1')).toBeNull();
    await noteOne(store, turn('p1', NOW, { presale: true }), { keepMs: 20_000 });
    expect(await store.lastPresale('webchat:b-p1')).toBe(NOW);
    await fixture.elapse(25_000);
    expect(await store.lastPresale('webchat:b-p1')).toBeNull();
  });

  it('merges turns of one conversation noted by two processes at once, and tells only one it is new', async () => {
    const other = await fixture.another();
    const at = (i: number) => NOW - 10_000 + i;
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        noteOne(i % 2 ? store : other, turn('both', at(i), { presale: i === 7, handoffReason: i === 13 ? 'complaint' : null }), { keepMs: 60_000 }),
      ),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
    const state = await other.openConversation('both');
    expect(state).toMatchObject({ lastAt: at(29), handoffReason: 'complaint', presale: true });
    expect(state!.firstAt).toBeGreaterThanOrEqual(at(0));
    expect(state!.firstAt).toBeLessThanOrEqual(at(29));
    expect(await store.lastPresale('webchat:b-both')).toBe(at(7));
    expect((await store.takeQuietConversations(NOW, 10)).map((c) => c.key)).toEqual(['both']);
  });

  it('claims a key once until it expires, and remembers pre-sale buyers for a while', async () => {
    expect(await store.claimOnce('order:1', 10_000)).toBe(true);
    expect(await store.claimOnce('order:1', 10_000)).toBe(false);
    await store.markPresaleBuyer('webchat:b1', NOW, 20_000);
    expect(await store.lastPresale('webchat:b1')).toBe(NOW);
    expect(await store.lastPresale('webchat:nobody')).toBeNull();
    await fixture.elapse(15_000);
    expect(await store.claimOnce('order:1', 10_000)).toBe(true);
    expect(await store.lastPresale('webchat:b1')).toBe(NOW);
    await fixture.elapse(10_000);
    expect(await store.lastPresale('webchat:b1')).toBeNull();
  });

  it('keeps only the newest not-understood messages, and forgets taught ones', async () => {
    for (let i = 0; i < 12; i++) await store.keepMisunderstood({ text: `m${i % 4}`, at: i, language: 'en' }, 10);
    const kept = await store.listMisunderstood();
    expect(kept).toHaveLength(10);
    expect(kept[0]).toEqual({ text: 'm3', at: 11, language: 'en' });
    await store.forgetMisunderstood(['m1', 'm2', 'never seen']);
    expect((await store.listMisunderstood()).map((m) => m.text)).toEqual(['m3', 'm0', 'm3', 'm0', 'm3']);
  });
});
