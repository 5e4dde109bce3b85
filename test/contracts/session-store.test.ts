// Contract of the SessionStore port, run against the memory store and the Redis store alike.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionStore } from '../../dialogs/ports.ts';
import { MemorySessionStore } from '../../adapters/stores/memory/memory-session-store.ts';
import { isRedisReady } from '../../adapters/stores/redis/redis-connection.ts';
import { RedisSessionStore } from '../../adapters/stores/redis/redis-session-store.ts';
import { connectClusterRedis, connectSharedRedis, usePrivateRedis, useSharedRedis } from '../support/redis-fixtures.ts';
import { elapseRedisTtls, manualClock } from '../support/store-test-kit.ts';
import { sessionKey } from '../../adapters/stores/redis/redis-keys.ts';

interface Fixture {
  store: SessionStore;
  /** Lets time pass for everything the store holds. */
  elapse(seconds: number): Promise<void>;
  close(): Promise<void>;
}

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'memory',
    async () => {
      const clock = manualClock();
      return {
        store: new MemorySessionStore({ clock }),
        elapse: async (seconds) => clock.advance(seconds * 1000),
        close: async () => {},
      };
    },
  ],
  [
    'redis',
    async () => {
      const { client, prefix, close } = await connectSharedRedis('session');
      return {
        store: new RedisSessionStore({ client, prefix }),
        elapse: (seconds) => elapseRedisTtls(client, prefix, seconds),
        close,
      };
    },
  ],
  // The same store on a real Cluster of 3 masters with replicas (test/setup/redis-cluster-setup.ts).
  [
    'redis-cluster',
    async () => {
      const { client, prefix, close } = await connectClusterRedis('session');
      return {
        store: new RedisSessionStore({ client, prefix }),
        elapse: (seconds) => elapseRedisTtls(client, prefix, seconds),
        close,
      };
    },
  ],
];

describe.each(implementations)('SessionStore contract: %s', (_name, makeFixture) => {
  let fixture: Fixture;
  let store: SessionStore;
  beforeEach(async () => {
    fixture = await makeFixture();
    store = fixture.store;
  });
  afterEach(() => fixture.close());

  it('gives back what was saved, as JSON carries it', async () => {
    const session = {
      flow: 'change-address',
      slots: { orderId: 'A1001', city: '杭州', note: '請放門口 🚪', quantity: 2, gift: false, coupon: null },
      history: [{ at: 1, text: 'hi' }],
      asked: new Date(Date.UTC(2025, 4, 1)),
      dropped: undefined,
    };
    await store.save('web:buyer-1', session, 600);

    expect(await store.load('web:buyer-1')).toEqual({
      flow: 'change-address',
      slots: { orderId: 'A1001', city: '杭州', note: '請放門口 🚪', quantity: 2, gift: false, coupon: null },
      history: [{ at: 1, text: 'hi' }],
      asked: '2025-05-01T00:00:00.000Z',
    });
  });

  it('hands out copies, so changing a loaded session changes nothing stored', async () => {
    await store.save('k', { count: 1 }, 600);
    const loaded = await store.load<{ count: number }>('k');
    loaded!.count = 99;
    expect(await store.load('k')).toEqual({ count: 1 });
  });

  it('returns null for a session never saved, and after delete', async () => {
    expect(await store.load('nobody')).toBeNull();
    await store.save('k', { a: 1 }, 600);
    await store.delete('k');
    expect(await store.load('k')).toBeNull();
    await expect(store.delete('never-there')).resolves.toBeUndefined();
  });

  it('forgets a session when its TTL has passed', async () => {
    await store.save('k', 'kept', 60);
    await fixture.elapse(59);
    expect(await store.load('k')).toBe('kept');
    await fixture.elapse(2);
    expect(await store.load('k')).toBeNull();
  });

  it('restarts the TTL on every save', async () => {
    await store.save('k', 1, 60);
    await fixture.elapse(50);
    await store.save('k', 2, 60);
    await fixture.elapse(50);
    expect(await store.load('k')).toBe(2);
  });

  it('rounds a fractional TTL up to whole seconds', async () => {
    await store.save('k', 'x', 0.2);
    expect(await store.load('k')).toBe('x');
    await fixture.elapse(1.5);
    expect(await store.load('k')).toBeNull();
  });

  it('keeps keys apart whatever characters they hold', async () => {
    const keys = ['a b', 'a:b', '{tag}*?[x]', '客服:買家', 'line\nbreak'];
    for (const [i, key] of keys.entries()) await store.save(key, i, 600);
    for (const [i, key] of keys.entries()) expect(await store.load(key)).toBe(i);
  });

  it('rejects bad keys, bad TTLs and values JSON cannot carry', async () => {
    await expect(store.save('', 1, 60)).rejects.toThrow(RangeError);
    await expect(store.save('k'.repeat(2000), 1, 60)).rejects.toThrow(RangeError);
    await expect(store.load(42 as unknown as string)).rejects.toThrow(TypeError);
    for (const ttl of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, '60' as unknown as number]) {
      await expect(store.save('k', 1, ttl)).rejects.toThrow(RangeError);
    }
    await expect(store.save('k', undefined, 60)).rejects.toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(store.save('k', cyclic, 60)).rejects.toThrow(TypeError);
    expect(await store.load('k')).toBeNull();
  });
});

describe('RedisSessionStore on Redis', () => {
  const redis = useSharedRedis('session-redis');

  it('stores each session as JSON text with SET EX under <prefix>session:<key>', async () => {
    const { client, prefix } = redis;
    const store = new RedisSessionStore({ client, prefix });
    await store.save('web:b1', { step: 2 }, 90);
    expect(await client.get(sessionKey(prefix, 'web:b1'))).toBe('{"step":2}');
    const ttl = await client.ttl(sessionKey(prefix, 'web:b1'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(90);
  });

  it('is shared by every client of the same Redis, as between server processes', async () => {
    const { client, prefix } = redis;
    const other = await redis.connectAnother();
    await new RedisSessionStore({ client, prefix }).save('shared', { by: 'process one' }, 60);
    expect(await new RedisSessionStore({ client: other, prefix }).load('shared')).toEqual({ by: 'process one' });
  });

  it('treats a value it did not write (not JSON) as no session', async () => {
    const { client, prefix } = redis;
    await client.set(sessionKey(prefix, 'garbled'), '{not json', 'EX', 60);
    expect(await new RedisSessionStore({ client, prefix }).load('garbled')).toBeNull();
  });
});

describe('RedisSessionStore while Redis is down', () => {
  const redis = usePrivateRedis();

  it('fails fast while Redis is unreachable and works again once it is back', async () => {
    const { server, client } = redis;
    const store = new RedisSessionStore({ client });
    await store.save('web:b1', { step: 1 }, 60);
    expect(await store.load('web:b1')).toEqual({ step: 1 });

    await server.stop();
    await expect(store.save('web:b1', { step: 2 }, 60)).rejects.toThrow();
    await expect(store.load('web:b1')).rejects.toThrow();
    await vi.waitFor(() => expect(isRedisReady(client)).toBe(false), { timeout: 5000, interval: 10 });

    await server.start();
    await vi.waitFor(() => expect(isRedisReady(client)).toBe(true), { timeout: 10_000, interval: 20 });
    await store.save('web:b1', { step: 3 }, 60);
    expect(await store.load('web:b1')).toEqual({ step: 3 });
  });
});
