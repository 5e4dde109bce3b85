// Contract of the BuyerTagStore port (buyers' tag signals), run against the memory store and the
// Redis store (one Redis and a Redis Cluster) alike; the Redis one also with a second process, with
// concurrent notes, with a field that is not ours, and with Redis gone (the tagger then goes on
// without tags).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuyerTagStore } from '../../dialogs/buyers/buyer-tags.ts';
import { BuyerTagger } from '../../dialogs/buyers/buyer-tagger.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { MemoryBuyerTagStore } from '../../adapters/stores/memory/memory-buyer-tag-store.ts';
import { RedisBuyerTagStore } from '../../adapters/stores/redis/redis-buyer-tag-store.ts';
import { connectClusterRedis, connectSharedRedis, usePrivateRedis } from '../support/redis-fixtures.ts';
import { elapseRedisTtls, manualClock } from '../support/store-test-kit.ts';

interface Fixture {
  store: BuyerTagStore;
  otherProcess: BuyerTagStore;
  elapse(seconds: number): Promise<void>;
  close(): Promise<void>;
}

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'memory',
    async () => {
      const clock = manualClock();
      const store = new MemoryBuyerTagStore({ clock });
      return { store, otherProcess: store, elapse: async (seconds) => clock.advance(seconds * 1000), close: async () => {} };
    },
  ],
  ...(['redis', 'redis-cluster'] as const).map((name): [string, () => Promise<Fixture>] => [
    name,
    async () => {
      const redis = name === 'redis' ? await connectSharedRedis('buyer-tags') : await connectClusterRedis('buyer-tags');
      const { client, prefix } = redis;
      return {
        store: new RedisBuyerTagStore({ client, prefix }),
        otherProcess: new RedisBuyerTagStore({ client: await redis.connectAnother(), prefix }),
        elapse: (seconds) => elapseRedisTtls(client, prefix, seconds),
        close: () => redis.close(),
      };
    },
  ]),
];

describe.each(implementations)('BuyerTagStore contract: %s', (_name, makeFixture) => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await makeFixture();
  });
  afterEach(async () => {
    await fixture.close();
  });

  it('keeps the newest signals of each tag, oldest first, for every process', async () => {
    const { store, otherProcess } = fixture;
    expect(await store.signals('webchat:b1')).toEqual({});
    await store.note('webchat:b1', [{ tag: 'price_sensitive', keepLast: 2 }], 3000, 3600);
    await otherProcess.note('webchat:b1', [{ tag: 'price_sensitive', keepLast: 2 }], 1000, 3600);
    await store.note('webchat:b1', [{ tag: 'price_sensitive', keepLast: 2 }], 2000, 3600);
    await store.note('webchat:b1', [{ tag: 'night_shopper', keepLast: 3 }], 1_733_000_000_123, 3600);
    expect(await otherProcess.signals('webchat:b1')).toEqual({ price_sensitive: [2000, 3000], night_shopper: [1_733_000_000_123] });
    expect(await store.signals('webchat:b2')).toEqual({});
  });

  it('loses no signal when two processes note at once', async () => {
    const { store, otherProcess } = fixture;
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : otherProcess).note('lazada:b3', [{ tag: 'size_sensitive', keepLast: 50 }], 1000 + i, 3600)));
    expect((await store.signals('lazada:b3')).size_sensitive).toHaveLength(20);
  });

  it("notes a turn's signals of several tags in one call and answers the signals just before and after", async () => {
    const { store } = fixture;
    expect(await store.note('webchat:b9', [{ tag: 'price_sensitive', keepLast: 2 }], 1000, 3600)).toEqual({ before: {}, after: { price_sensitive: [1000] } });
    const noted = await store.note('webchat:b9', [{ tag: 'price_sensitive', keepLast: 2 }, { tag: 'size_sensitive', keepLast: 1 }, { tag: 'night_shopper', keepLast: 3 }], 2000, 3600);
    expect(noted).toEqual({
      before: { price_sensitive: [1000] },
      after: { price_sensitive: [1000, 2000], size_sensitive: [2000], night_shopper: [2000] },
    });
    expect(await store.signals('webchat:b9')).toEqual(noted.after);
    // Nothing to note: nothing written, the signals as they are.
    expect(await store.note('webchat:b9', [], 3000, 3600)).toEqual({ before: noted.after, after: noted.after });
  });

  it('tells exactly one of two processes noting at once that the buyer reached the count', async () => {
    const { store, otherProcess } = fixture;
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? store : otherProcess).note('webchat:b10', [{ tag: 'size_sensitive', keepLast: 2 }], 1000 + i, 3600)));
    const reached = answers.filter(({ before, after }) => (before.size_sensitive?.length ?? 0) < 2 && after.size_sensitive?.length === 2);
    expect(reached).toHaveLength(1);
    expect(answers.filter(({ before }) => before.size_sensitive === undefined)).toHaveLength(1);
  });

  it('forgets the buyer keepSeconds after the last signal, and at once when asked', async () => {
    const { store } = fixture;
    await store.note('webchat:b4', [{ tag: 'repeat_buyer', keepLast: 2 }], 1000, 60);
    await fixture.elapse(40);
    await store.note('webchat:b4', [{ tag: 'repeat_buyer', keepLast: 2 }], 2000, 60);
    await fixture.elapse(40);
    expect((await store.signals('webchat:b4')).repeat_buyer).toEqual([1000, 2000]);
    await fixture.elapse(30);
    expect(await store.signals('webchat:b4')).toEqual({});
    await store.note('webchat:b5', [{ tag: 'repeat_buyer', keepLast: 2 }], 1000, 60);
    await store.forget('webchat:b5');
    expect(await store.signals('webchat:b5')).toEqual({});
  });

  it('refuses keys and lifetimes no store could hold', async () => {
    await expect(fixture.store.note('', [{ tag: 'x', keepLast: 1 }], 1, 60)).rejects.toThrow(RangeError);
    await expect(fixture.store.note('x'.repeat(2000), [{ tag: 'x', keepLast: 1 }], 1, 60)).rejects.toThrow(RangeError);
    await expect(fixture.store.note('webchat:b6', [{ tag: 'x', keepLast: 1 }], 1, 0)).rejects.toThrow(RangeError);
    await expect(fixture.store.signals(42 as unknown as string)).rejects.toThrow(TypeError);
  });
});

describe('RedisBuyerTagStore', () => {
  it('reads a field it cannot understand as no signal', async () => {
    const redis = await connectSharedRedis('buyer-tags-odd');
    try {
      const store = new RedisBuyerTagStore({ client: redis.client, prefix: redis.prefix });
      await store.note('webchat:b7', [{ tag: 'price_sensitive', keepLast: 2 }], 1000, 60);
      await redis.client.hset(`${redis.prefix}buyer-tags:{webchat:b7}`, 'odd', 'not json', 'object', '{"a":1}');
      expect(await store.signals('webchat:b7')).toEqual({ price_sensitive: [1000] });
      // Noting a tag whose field is not ours starts it afresh; the odd fields still read as nothing.
      expect(await store.note('webchat:b7', [{ tag: 'odd', keepLast: 2 }], 2000, 60)).toEqual({ before: { price_sensitive: [1000] }, after: { price_sensitive: [1000], odd: [2000] } });
    } finally {
      await redis.close();
    }
  });
});

describe('buyer tags when Redis is gone', () => {
  const redis = usePrivateRedis();

  it('reads as no tags and keeps no signal, without throwing, and tags again once Redis is back', async () => {
    const store = new RedisBuyerTagStore({ client: redis.client, prefix: 'gone:' });
    const rules = new Map([['price_sensitive', { label: { 'zh-Hans': '价格敏感', 'zh-Hant': '價格敏感', en: 'Price-sensitive' }, when: { intents: ['ask_price_promo'] } }]]);
    const tagger = new BuyerTagger({ store, rules: () => rules, timezone: 'Asia/Shanghai', clock: { now: () => 10_000 }, logger: silentLogger });
    const buyer = { channel: 'webchat', buyerId: 'b8' };
    await redis.server.stop();
    expect(await tagger.tagsOf(buyer)).toEqual([]);
    await expect(tagger.recordOrder(buyer, 9000)).resolves.toBeUndefined();
    await redis.server.start();
    await expect.poll(() => store.signals('webchat:b8').catch(() => null), { timeout: 10_000 }).toEqual({});
    tagger.record({ conversation: { channel: 'webchat', conversationId: 'c', buyerId: 'b8' }, at: 9000, language: 'zh-Hans', text: '多少钱', intent: 'ask_price_promo', confidence: 1, flow: null, outcome: 'answered' });
    await expect.poll(() => tagger.tagsOf(buyer).then((tags) => tags.map((tag) => tag.name)), { timeout: 5000 }).toEqual(['price_sensitive']);
  });
});
