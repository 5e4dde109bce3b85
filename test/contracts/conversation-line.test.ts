// Contract of the ConversationLine port ("one conversation, one line"), run against the memory line
// and the Redis line alike, plus what only Redis can show: several processes, dead holders, outages.

import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LineBusyError, silentLogger, type ConversationLine } from '../../dialogs/ports.ts';
import { MemoryConversationLine } from '../../adapters/stores/memory/memory-conversation-line.ts';
import { RedisConversationLine } from '../../adapters/stores/redis/redis-conversation-line.ts';
import { isRedisReady } from '../../adapters/stores/redis/redis-connection.ts';
import { keysWithPrefix } from '../support/redis-server.ts';
import { connectClusterRedis, connectSharedRedis, usePrivateRedis, type SharedRedis } from '../support/redis-fixtures.ts';
import { deferred, sleep } from '../support/store-test-kit.ts';
import { lineKey } from '../../adapters/stores/redis/redis-keys.ts';

interface LineOptions {
  waitMs?: number;
  leaseMs?: number;
}

interface Fixture {
  makeLine(options?: LineOptions): ConversationLine;
  /** True when the implementation holds nothing for idle conversations. */
  isIdle(): Promise<boolean>;
  close(): Promise<void>;
}

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'memory',
    async () => {
      const lines: MemoryConversationLine[] = [];
      return {
        makeLine(options) {
          const line = new MemoryConversationLine(options);
          lines.push(line);
          return line;
        },
        isIdle: async () => lines.every((line) => line.activeConversations === 0),
        close: async () => {},
      };
    },
  ],
  [
    'redis',
    async () => {
      const { client, prefix, close } = await connectSharedRedis('line');
      return {
        makeLine: (options) => new RedisConversationLine({ client, prefix, ...options }),
        isIdle: async () => (await keysWithPrefix(client, prefix)).length === 0,
        close,
      };
    },
  ],
  // The same store on a real Cluster of 3 masters with replicas (test/setup/redis-cluster-setup.ts).
  [
    'redis-cluster',
    async () => {
      const { client, prefix, close } = await connectClusterRedis('line');
      return {
        makeLine: (options) => new RedisConversationLine({ client, prefix, ...options }),
        isIdle: async () => (await keysWithPrefix(client, prefix)).length === 0,
        close,
      };
    },
  ],
];

/** Work that records how many runs of a conversation overlap, and in which order they ran. */
function exclusivityProbe() {
  let active = 0;
  let mostAtOnce = 0;
  const order: number[] = [];
  return {
    order,
    get mostAtOnce() {
      return mostAtOnce;
    },
    work(label: number, pauseMs = 0) {
      return async () => {
        active += 1;
        mostAtOnce = Math.max(mostAtOnce, active);
        order.push(label);
        await sleep(pauseMs);
        active -= 1;
        return label;
      };
    },
  };
}

describe.each(implementations)('ConversationLine contract: %s', (_name, makeFixture) => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await makeFixture();
  });
  afterEach(() => fixture.close());

  it('runs 50 simultaneous messages of one conversation one at a time, in arrival order', async () => {
    const line = fixture.makeLine();
    const probe = exclusivityProbe();
    const runs = Array.from({ length: 50 }, (_, i) => line.run('web:buyer-1', probe.work(i, i % 3)));

    expect(await Promise.all(runs)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(probe.mostAtOnce).toBe(1);
    expect(probe.order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await fixture.isIdle()).toBe(true);
  });

  it('gives the turn on when work throws, and passes the error to its caller', async () => {
    const line = fixture.makeLine();
    const failing = line.run('k', async () => {
      await sleep(5);
      throw new Error('backend down');
    });
    const throwingAtOnce = line.run('k', () => {
      throw new Error('not even a promise');
    });
    const next = line.run('k', async () => 'served');

    await expect(failing).rejects.toThrow('backend down');
    await expect(throwingAtOnce).rejects.toThrow('not even a promise');
    expect(await next).toBe('served');
    expect(await fixture.isIdle()).toBe(true);
  });

  it('keeps conversations independent: a busy one does not hold up another', async () => {
    const line = fixture.makeLine();
    const release = deferred();
    const busy = line.run('conversation-a', () => release.promise);

    expect(await line.run('conversation-b', async () => 'b done')).toBe('b done');
    release.resolve();
    await busy;
  });

  it('fails a run with LineBusyError when its turn does not come in waitMs, and the line moves on past it', async () => {
    const line = fixture.makeLine({ waitMs: 1000 });
    const holder = deferred();
    const holding = line.run('k', () => holder.promise);
    const probe = exclusivityProbe();

    const givesUp = line.run('k', probe.work(1));
    await sleep(400);
    const after = line.run('k', probe.work(2)); // arrives after the one that will give up
    await expect(givesUp).rejects.toBeInstanceOf(LineBusyError);
    await expect(givesUp).rejects.toThrow('conversation k is busy; try again');

    holder.resolve();
    await holding;
    expect(await after).toBe(2);
    expect(probe.order).toEqual([2]);
    expect(await fixture.isIdle()).toBe(true);
  });

  it('takes the turn from work that never settles once its lease runs out', async () => {
    const line = fixture.makeLine({ leaseMs: 200, waitMs: 5000 });
    void line.run('k', () => new Promise<never>(() => {}));
    expect(await line.run('k', async () => 'next one served')).toBe('next one served');
  });

  it('rejects a bad key or work that is not a function', async () => {
    const line = fixture.makeLine();
    await expect(line.run('', async () => 1)).rejects.toThrow(RangeError);
    await expect(line.run('k'.repeat(4096), async () => 1)).rejects.toThrow(RangeError);
    await expect(line.run('k', 'work' as unknown as () => Promise<number>)).rejects.toThrow(TypeError);
    expect(await line.run('k', async () => 1)).toBe(1);
  });
});

describe('RedisConversationLine across processes', () => {
  // Fresh per test: a test may leave a dead holder's turn behind, or disconnect clientB.
  let redis: SharedRedis;
  let clientA: Redis;
  let clientB: Redis;
  let prefix: string;
  beforeEach(async () => {
    redis = await connectSharedRedis('line-processes');
    ({ client: clientA, prefix } = redis);
    clientB = await redis.connectAnother();
  });
  afterEach(() => redis.close());

  it('keeps exclusion and arrival order when two processes interleave runs on the same conversations', async () => {
    const processes = [
      { client: clientA, line: new RedisConversationLine({ client: clientA, prefix }) },
      { client: clientB, line: new RedisConversationLine({ client: clientB, prefix }) },
    ];
    const conversations = ['web:1', 'web:2', 'web:3'];
    const probes = new Map(conversations.map((key) => [key, exclusivityProbe()]));
    const runs: Promise<number>[] = [];
    for (let i = 0; i < 30; i += 1) {
      const { client, line } = processes[i % 2]!;
      const key = conversations[i % 3]!;
      runs.push(line.run(key, probes.get(key)!.work(i, 1)));
      // A reply on the same connection proves Redis has seen that run's ticket: the next one arrives later.
      await client.ping();
    }
    await Promise.all(runs);

    for (const [index, key] of conversations.entries()) {
      const probe = probes.get(key)!;
      expect(probe.mostAtOnce).toBe(1);
      expect(probe.order).toEqual(Array.from({ length: 10 }, (_, j) => index + 3 * j));
    }
    expect(await keysWithPrefix(clientA, prefix)).toEqual([]);
  });

  it('skips the turn of a process that died holding it, once the lease runs out', async () => {
    const dying = new RedisConversationLine({ client: clientB, prefix, leaseMs: 300 });
    const started = deferred();
    void dying.run('k', () => {
      started.resolve();
      return new Promise<never>(() => {});
    }).catch(() => {});
    await started.promise;
    clientB.disconnect(); // the process is gone: nobody will ever hand its turn on

    const survivor = new RedisConversationLine({ client: clientA, prefix, leaseMs: 300, waitMs: 5000 });
    expect(await survivor.run('k', async () => 'served after the lease')).toBe('served after the lease');
  });

  it('ignores a holder that finishes after losing its turn to the lease', async () => {
    const logger = { ...silentLogger, warn: vi.fn() };
    const slow = new RedisConversationLine({ client: clientB, prefix, leaseMs: 300, logger });
    const line = new RedisConversationLine({ client: clientA, prefix, leaseMs: 300, waitMs: 5000 });
    const slowWork = deferred();
    const slowStarted = deferred();
    const slowRun = slow.run('k', () => {
      slowStarted.resolve();
      return slowWork.promise.then(() => 'slow');
    });
    await slowStarted.promise;

    const secondWork = deferred();
    const secondStarted = deferred();
    const second = line.run('k', () => {
      secondStarted.resolve();
      return secondWork.promise.then(() => 'second');
    });
    await secondStarted.promise; // the lease ran out and the second run took the turn
    await clientA.ping();
    const thirdStarted = vi.fn();
    const third = line.run('k', async () => {
      thirdStarted();
      return 'third';
    });

    slowWork.resolve();
    expect(await slowRun).toBe('slow'); // its late hand-on must not give away the second run's turn
    expect(logger.warn).toHaveBeenCalledWith(expect.anything(), 'work outlasted its lease; the line had moved on');
    await sleep(100);
    expect(thirdStarted).not.toHaveBeenCalled();

    secondWork.resolve();
    expect(await second).toBe('second');
    expect(await third).toBe('third');
  });

  it('sets an expiry on a line in use and deletes it when the line empties', async () => {
    const line = new RedisConversationLine({ client: clientA, prefix, keepSeconds: 3600 });
    let ttlWhileRunning = 0;
    await line.run('k', async () => {
      ttlWhileRunning = await clientB.ttl(lineKey(prefix, 'k'));
    });
    expect(ttlWhileRunning).toBeGreaterThan(0);
    expect(ttlWhileRunning).toBeLessThanOrEqual(3600);
    expect(await clientA.exists(lineKey(prefix, 'k'))).toBe(0);
  });
});

describe('RedisConversationLine while Redis is down', () => {
  const redis = usePrivateRedis();

  it('rejects runs at once while Redis is unreachable, and serves them again once it is back', async () => {
    const { server, client } = redis;
    const line = new RedisConversationLine({ client });
    expect(await line.run('k', async () => 'before')).toBe('before');

    await server.stop();
    const work = vi.fn(async () => 'never');
    await expect(line.run('k', work)).rejects.toThrow();
    expect(work).not.toHaveBeenCalled();

    await server.start();
    await vi.waitFor(() => expect(isRedisReady(client)).toBe(true), { timeout: 10_000, interval: 20 });
    expect(await line.run('k', async () => 'after')).toBe('after');
  });

  it('fails a waiting run when Redis goes away, and the holder still gets its result', async () => {
    const { server, client } = redis;
    const line = new RedisConversationLine({ client, logger: silentLogger });
    const holder = deferred();
    const holderStarted = deferred();
    const holding = line.run('k2', () => {
      holderStarted.resolve();
      return holder.promise.then(() => 'holder done');
    });
    await holderStarted.promise;
    const waiting = line.run('k2', async () => 'never');
    const waitingOutcome = waiting.then(
      () => 'served',
      (error: unknown) => error,
    );
    await client.ping(); // the waiter has its ticket

    await server.stop();
    const failure = await waitingOutcome;
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(LineBusyError);
    holder.resolve();
    expect(await holding).toBe('holder done');

    await server.start();
    await vi.waitFor(() => expect(isRedisReady(client)).toBe(true), { timeout: 10_000, interval: 20 });
  });
});
