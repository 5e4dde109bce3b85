// Contract of the BuyerTagStore port (buyers' tag signals), run against the memory store and the
// Redis store alike; the Redis one also with a second process, with concurrent notes, with a field
// that is not ours, and with Redis gone (the tagger then goes on without tags).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuyerTagStore } from '../../dialogs/buyers/buyer-tags.ts';
import { BuyerTagger } from '../../dialogs/buyers/buyer-tagger.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { MemoryBuyerTagStore } from '../../adapters/stores/memory/memory-buyer-tag-store.ts';
import { RedisBuyerTagStore } from '../../adapters/stores/redis/redis-buyer-tag-store.ts';
import { connectSharedRedis, usePrivateRedis } from '../support/redis-fixtures.ts';
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
  [
    'redis',
    async () => {
      const redis = await connectSharedRedis('buyer-tags');
      const { client, prefix } = redis;
      return {
        store: new RedisBuyerTagStore({ client, prefix }),
        otherProcess: new RedisBuyerTagStore({ client: await redis.connectAnother(), prefix }),
        elapse: (seconds) => elapseRedisTtls(client, prefix, seconds),
        close: () => redis.close(),
      };
    },
  ],
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
    await store.note('webchat:b1', 'price_sensitive', 3000, 2, 3600);
    await otherProcess.note('webchat:b1', 'price_sensitive', 1000, 2, 3600);
    await store.note('webchat:b1', 'price_sensitive', 2000, 2, 3600);
    await store.note('webchat:b1', 'night_shopper', 1_733_000_000_123, 3, 3600);
    expect(await otherProcess.signals('webchat:b1')).toEqual({ price_sensitive: [2000, 3000], night_shopper: [1_733_000_000_123] });
    expect(await store.signals('webchat:b2')).toEqual({});
  });

  it('loses no signal when two processes note at once', async () => {
    const { store, otherProcess } = fixture;
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : otherProcess).note('lazada:b3', 'size_sensitive', 1000 + i, 50, 3600)));
    expect((await store.signals('lazada:b3')).size_sensitive).toHaveLength(20);
  });

  it('forgets the buyer keepSeconds after the last signal, and at once when asked', async () => {
    const { store } = fixture;
    await store.note('webchat:b4', 'repeat_buyer', 1000, 2, 60);
    await fixture.elapse(40);
    await store.note('webchat:b4', 'repeat_buyer', 2000, 2, 60);
    await fixture.elapse(40);
    expect((await store.signals('webchat:b4')).repeat_buyer).toEqual([1000, 2000]);
    await fixture.elapse(30);
    expect(await store.signals('webchat:b4')).toEqual({});
    await store.note('webchat:b5', 'repeat_buyer', 1000, 2, 60);
    await store.forget('webchat:b5');
    expect(await store.signals('webchat:b5')).toEqual({});
  });

  it('refuses keys and lifetimes no store could hold', async () => {
    await expect(fixture.store.note('', 'x', 1, 1, 60)).rejects.toThrow(RangeError);
    await expect(fixture.store.note('x'.repeat(2000), 'x', 1, 1, 60)).rejects.toThrow(RangeError);
    await expect(fixture.store.note('webchat:b6', 'x', 1, 1, 0)).rejects.toThrow(RangeError);
    await expect(fixture.store.signals(42 as unknown as string)).rejects.toThrow(TypeError);
  });
});

describe('RedisBuyerTagStore', () => {
  it('reads a field it cannot understand as no signal', async () => {
    const redis = await connectSharedRedis('buyer-tags-odd');
    try {
      const store = new RedisBuyerTagStore({ client: redis.client, prefix: redis.prefix });
      await store.note('webchat:b7', 'price_sensitive', 1000, 2, 60);
      await redis.client.hset(`${redis.prefix}buyer-tags:{webchat:b7}`, 'odd', 'not json', 'object', '{"a":1}');
      expect(await store.signals('webchat:b7')).toEqual({ price_sensitive: [1000] });
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
