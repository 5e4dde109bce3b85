// Contract of the PushMailbox (web chat pushes that a page picks up later, maybe from another
// process), run against the memory mailbox and the Redis mailbox alike.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryPushMailbox } from '../../adapters/stores/memory/memory-push-mailbox.ts';
import { isPushItemId, type PushMailbox } from '../../adapters/stores/push-mailbox.ts';
import { isRedisReady } from '../../adapters/stores/redis/redis-connection.ts';
import { RedisPushMailbox } from '../../adapters/stores/redis/redis-push-mailbox.ts';
import { connectClusterRedis, connectSharedRedis, usePrivateRedis, useSharedRedis } from '../support/redis-fixtures.ts';
import { elapseRedisTtls, manualClock } from '../support/store-test-kit.ts';
import { pushStreamKey } from '../../adapters/stores/redis/redis-keys.ts';

interface Fixture {
  mailbox: PushMailbox;
  /** The same mailboxes seen from another server process (the same object for memory). */
  otherProcess: PushMailbox;
  elapse(seconds: number): Promise<void>;
  close(): Promise<void>;
}

const KEEP_SECONDS = 3600;

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'memory',
    async () => {
      const clock = manualClock();
      const mailbox = new MemoryPushMailbox({ clock, keepSeconds: KEEP_SECONDS });
      return {
        mailbox,
        otherProcess: mailbox,
        elapse: async (seconds) => clock.advance(seconds * 1000),
        close: () => mailbox.close(),
      };
    },
  ],
  [
    'redis',
    async () => {
      const redis = await connectSharedRedis('push');
      const { client, prefix } = redis;
      const mailbox = new RedisPushMailbox({ client, prefix, keepSeconds: KEEP_SECONDS });
      const otherProcess = new RedisPushMailbox({ client: await redis.connectAnother(), prefix, keepSeconds: KEEP_SECONDS });
      return {
        mailbox,
        otherProcess,
        elapse: (seconds) => elapseRedisTtls(client, prefix, seconds),
        close: async () => {
          await Promise.all([mailbox.close(), otherProcess.close()]);
          await redis.close();
        },
      };
    },
  ],
  // The same store on a real Cluster of 3 masters with replicas (test/setup/redis-cluster-setup.ts).
  [
    'redis-cluster',
    async () => {
      const redis = await connectClusterRedis('push');
      const { client, prefix } = redis;
      const mailbox = new RedisPushMailbox({ client, prefix, keepSeconds: KEEP_SECONDS });
      const otherProcess = new RedisPushMailbox({ client: await redis.connectAnother(), prefix, keepSeconds: KEEP_SECONDS });
      return {
        mailbox,
        otherProcess,
        elapse: (seconds) => elapseRedisTtls(client, prefix, seconds),
        close: async () => {
          await Promise.all([mailbox.close(), otherProcess.close()]);
          await redis.close();
        },
      };
    },
  ],
];

/** A page's view of one key: on every notification it reads what is new after the last id it saw. */
function page(mailbox: PushMailbox, key: string) {
  const seen: string[] = [];
  let lastId: string | null = null;
  let reading = Promise.resolve();
  const read = (): void => {
    reading = reading.then(async () => {
      try {
        for (const item of await mailbox.readAfter(key, lastId)) {
          seen.push(item.data);
          lastId = item.id;
        }
      } catch {
        // Redis is away: the next notification (there is one when it is back) reads again.
      }
    });
  };
  const unsubscribe = mailbox.subscribe(key, read);
  return { seen, unsubscribe };
}

describe.each(implementations)('PushMailbox contract: %s', (_name, makeFixture) => {
  let fixture: Fixture;
  let mailbox: PushMailbox;
  beforeEach(async () => {
    fixture = await makeFixture();
    mailbox = fixture.mailbox;
  });
  afterEach(() => fixture.close());

  it('reads items oldest first, all of them or only those after a given id', async () => {
    const ids: string[] = [];
    for (const data of ['您好', 'agent: 已为您改好地址', '{"type":"card"}']) ids.push(await mailbox.append('web:b1', data));

    expect(ids.every(isPushItemId)).toBe(true);
    expect(new Set(ids).size).toBe(3);
    expect(await mailbox.readAfter('web:b1', null)).toEqual([
      { id: ids[0], data: '您好' },
      { id: ids[1], data: 'agent: 已为您改好地址' },
      { id: ids[2], data: '{"type":"card"}' },
    ]);
    expect(await mailbox.readAfter('web:b1', ids[0]!)).toEqual([
      { id: ids[1], data: 'agent: 已为您改好地址' },
      { id: ids[2], data: '{"type":"card"}' },
    ]);
    expect(await mailbox.readAfter('web:b1', ids[2]!)).toEqual([]);
    expect(await mailbox.readAfter('web:b1', null, 2)).toHaveLength(2);
    expect(await mailbox.readAfter('web:b2', null)).toEqual([]);
  });

  it('orders items appended faster than the clock ticks, and by different processes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) ids.push(await (i % 2 ? fixture.otherProcess : mailbox).append('k', `m${i}`));
    const items = await mailbox.readAfter('k', null);
    expect(items.map((item) => item.data)).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`));
    expect(items.map((item) => item.id)).toEqual(ids);
    expect(await mailbox.readAfter('k', ids[27]!)).toEqual([
      { id: ids[28], data: 'm28' },
      { id: ids[29], data: 'm29' },
    ]);
  });

  it('appends a send once under its id, from any process, until keepSeconds have passed', async () => {
    const first = await mailbox.append('web:b1', 'agent: 好的', 'slack:Ev1');
    await mailbox.append('web:b1', 'reminder', 'reminder:o1:1');
    // The same desk event retried, here by another process after the first one crashed.
    expect(await fixture.otherProcess.append('web:b1', 'agent: 好的', 'slack:Ev1')).toBe(first);
    // Another conversation may use the same id for its own send.
    await mailbox.append('web:b2', 'agent: 好的', 'slack:Ev1');
    expect((await mailbox.readAfter('web:b1', null)).map((item) => item.data)).toEqual(['agent: 好的', 'reminder']);
    expect(await mailbox.readAfter('web:b2', null)).toHaveLength(1);
    await expect(mailbox.append('web:b1', 'x', '')).rejects.toThrow(RangeError);
    await fixture.elapse(KEEP_SECONDS + 1);
    await mailbox.append('web:b1', 'agent: 好的', 'slack:Ev1');
    expect(await mailbox.readAfter('web:b1', null)).toHaveLength(1);
  });

  it('keeps only the last 100 items of a key', async () => {
    for (let i = 0; i < 105; i += 1) await mailbox.append('k', `m${i}`);
    const items = await mailbox.readAfter('k', null);
    expect(items).toHaveLength(100);
    expect(items[0]!.data).toBe('m5');
    expect(items[99]!.data).toBe('m104');
    expect(await mailbox.readAfter('k', null, 1000)).toHaveLength(100);
  });

  it('forgets a key keepSeconds after its last append', async () => {
    await mailbox.append('k', 'first');
    await fixture.elapse(KEEP_SECONDS - 10);
    await mailbox.append('k', 'second');
    await fixture.elapse(KEEP_SECONDS - 10);
    expect((await mailbox.readAfter('k', null)).map((item) => item.data)).toEqual(['first', 'second']);
    await fixture.elapse(11);
    expect(await mailbox.readAfter('k', null)).toEqual([]);
  });

  it('tells a subscribed page about appends from any process, and stops after unsubscribe', async () => {
    const buyer = page(mailbox, 'web:b1');
    const leaving = page(mailbox, 'web:b1');
    const otherBuyer = page(mailbox, 'web:b2');
    leaving.unsubscribe();
    const seenWhenLeft = leaving.seen.length;

    await fixture.otherProcess.append('web:b1', 'agent reply');
    await vi.waitFor(() => expect(buyer.seen).toEqual(['agent reply']), { timeout: 5000, interval: 10 });
    await mailbox.append('web:b1', 'reminder');
    await vi.waitFor(() => expect(buyer.seen).toEqual(['agent reply', 'reminder']), { timeout: 5000, interval: 10 });

    expect(leaving.seen).toHaveLength(seenWhenLeft);
    expect(otherBuyer.seen).toEqual([]);
    buyer.unsubscribe();
    otherBuyer.unsubscribe();
  });

  it('keeps notifying other listeners when one throws', async () => {
    mailbox.subscribe('k', () => {
      throw new Error('a broken page');
    });
    const buyer = page(mailbox, 'k');
    await fixture.otherProcess.append('k', 'still delivered');
    await vi.waitFor(() => expect(buyer.seen).toEqual(['still delivered']), { timeout: 5000, interval: 10 });
  });

  it('rejects hostile ids, oversized data and bad keys', async () => {
    for (const afterId of ['', '0', 'abc', '1-2-3', '(1-0', '-', '+', '99999999999999999999-0', '1-0 ']) {
      await expect(mailbox.readAfter('k', afterId)).rejects.toThrow(RangeError);
    }
    await expect(mailbox.append('k', 'x'.repeat(300 * 1024))).rejects.toThrow(RangeError);
    await expect(mailbox.append('k', 42 as unknown as string)).rejects.toThrow(TypeError);
    await expect(mailbox.append('', 'x')).rejects.toThrow(RangeError);
    expect(() => mailbox.subscribe('', () => {})).toThrow(RangeError);
    expect(await mailbox.readAfter('k', null, -3)).toEqual([]);
    await mailbox.append('k', 'ok');
    expect(await mailbox.readAfter('k', '0-0', Number.NaN)).toHaveLength(1);
  });
});

describe('RedisPushMailbox on Redis', () => {
  const redis = useSharedRedis('push-redis'); // its connections carry a name of their own, as CLIENT LIST shows

  it('listens for every page of the process on one subscriber connection', async () => {
    const { client, prefix } = redis;
    const mailbox = new RedisPushMailbox({ client, prefix });
    const pages = Array.from({ length: 20 }, (_, i) => page(mailbox, `web:${i}`));
    await mailbox.append('web:7', 'hello page 7');
    await vi.waitFor(() => expect(pages[7]!.seen).toEqual(['hello page 7']), { timeout: 5000, interval: 10 });

    const clients = (await client.client('LIST')) as string;
    const subscribers = clients.split('\n').filter((line) => line.includes(`name=${client.options.connectionName}:push-subscriber `));
    expect(subscribers).toHaveLength(1);
    await mailbox.close();
  });

  it('expires a stream keepSeconds after the last append', async () => {
    const { client, prefix } = redis;
    const mailbox = new RedisPushMailbox({ client, prefix, keepSeconds: 120 });
    await mailbox.append('k', 'x');
    const ttl = await client.ttl(pushStreamKey(prefix, 'k'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(120);
  });
});

describe('RedisPushMailbox while Redis restarts', () => {
  const redis = usePrivateRedis();

  it('fails appends while Redis is down, and resubscribes by itself when it is back', async () => {
    const { server, client } = redis;
    const mailbox = new RedisPushMailbox({ client });
    const buyer = page(mailbox, 'web:b1');
    await mailbox.append('web:b1', 'before');
    await vi.waitFor(() => expect(buyer.seen).toEqual(['before']), { timeout: 5000, interval: 10 });

    await server.stop();
    await expect(mailbox.append('web:b1', 'lost')).rejects.toThrow();

    await server.start(); // empty: a private server keeps nothing
    await vi.waitFor(() => expect(isRedisReady(client)).toBe(true), { timeout: 10_000, interval: 20 });
    const sender = new RedisPushMailbox({ client });
    await sender.append('web:b1', 'after');
    await vi.waitFor(() => expect(buyer.seen).toEqual(['before', 'after']), { timeout: 10_000, interval: 10 });
    await mailbox.close();
  });
});
