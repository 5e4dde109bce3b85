// Contract of the ProofAttempts port (failed order-proof tries per key), run against the memory
// store and the Redis store alike; the Redis one also with a second process and with Redis gone.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProofAttempts } from '../../dialogs/commerce/order-proof.ts';
import { MemoryProofAttempts } from '../../adapters/stores/memory/memory-proof-attempts.ts';
import { RedisProofAttempts } from '../../adapters/stores/redis/redis-proof-attempts.ts';
import { connectSharedRedis, usePrivateRedis } from '../support/redis-fixtures.ts';
import { elapseRedisTtls, manualClock } from '../support/store-test-kit.ts';

interface Fixture {
  attempts: ProofAttempts;
  /** The same counts as another server process sees them. */
  otherProcess: ProofAttempts;
  elapse(seconds: number): Promise<void>;
  close(): Promise<void>;
}

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'memory',
    async () => {
      const clock = manualClock();
      const attempts = new MemoryProofAttempts({ clock });
      return { attempts, otherProcess: attempts, elapse: async (seconds) => clock.advance(seconds * 1000), close: async () => {} };
    },
  ],
  [
    'redis',
    async () => {
      const redis = await connectSharedRedis('proof');
      const { client, prefix } = redis;
      return {
        attempts: new RedisProofAttempts({ client, prefix }),
        otherProcess: new RedisProofAttempts({ client: await redis.connectAnother(), prefix }),
        elapse: (seconds) => elapseRedisTtls(client, prefix, seconds),
        close: () => redis.close(),
      };
    },
  ],
];

describe.each(implementations)('ProofAttempts contract: %s', (_name, makeFixture) => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await makeFixture();
  });
  afterEach(async () => {
    await fixture.close();
  });

  it('counts failures per key and reads them back, in the order asked', async () => {
    const { attempts } = fixture;
    expect(await attempts.failures(['conversation:webchat:c1', 'order:KF1'])).toEqual([0, 0]);
    expect(await attempts.recordFailure(['conversation:webchat:c1', 'order:KF1'], 3600)).toEqual([1, 1]);
    expect(await attempts.recordFailure(['conversation:webchat:c2', 'order:KF1'], 3600)).toEqual([1, 2]);
    expect(await attempts.failures(['order:KF1', 'conversation:webchat:c1', 'conversation:webchat:c3'])).toEqual([2, 1, 0]);
  });

  it('shares the counts with every process', async () => {
    await fixture.attempts.recordFailure(['order:KF2'], 3600);
    expect(await fixture.otherProcess.recordFailure(['order:KF2'], 3600)).toEqual([2]);
    expect(await fixture.attempts.failures(['order:KF2'])).toEqual([2]);
  });

  it('forgets a key a window after its first failure, not after its last', async () => {
    const { attempts } = fixture;
    await attempts.recordFailure(['order:KF3'], 60);
    await fixture.elapse(40);
    await attempts.recordFailure(['order:KF3'], 60);
    expect(await attempts.failures(['order:KF3'])).toEqual([2]);
    await fixture.elapse(30);
    expect(await attempts.failures(['order:KF3'])).toEqual([0]);
  });

  it('refuses keys and windows no store could hold', async () => {
    await expect(fixture.attempts.recordFailure([''], 60)).rejects.toThrow(RangeError);
    await expect(fixture.attempts.recordFailure(['x'.repeat(2000)], 60)).rejects.toThrow(RangeError);
    await expect(fixture.attempts.recordFailure(['order:KF4'], 0)).rejects.toThrow(RangeError);
    await expect(fixture.attempts.failures([42 as unknown as string])).rejects.toThrow(TypeError);
  });
});

describe('MemoryProofAttempts', () => {
  it('keeps at most maxKeys keys, the oldest going first', async () => {
    const attempts = new MemoryProofAttempts({ clock: manualClock(), maxKeys: 2 });
    await attempts.recordFailure(['a'], 60);
    await attempts.recordFailure(['b'], 60);
    await attempts.recordFailure(['c'], 60);
    expect(await attempts.failures(['a', 'b', 'c'])).toEqual([0, 1, 1]);
  });
});

describe('RedisProofAttempts when Redis is gone', () => {
  const redis = usePrivateRedis();

  it('fails the call (the guest hears the order system is unavailable) and counts again once Redis is back', async () => {
    const attempts = new RedisProofAttempts({ client: redis.client, prefix: 'gone:' });
    await redis.server.stop();
    await expect(attempts.recordFailure(['order:KF5'], 60)).rejects.toThrow();
    await expect(attempts.failures(['order:KF5'])).rejects.toThrow();
    await redis.server.start();
    // The restarted server is empty; once it answers, counting starts afresh.
    await expect.poll(() => attempts.failures(['order:KF5']).catch(() => null), { timeout: 10_000 }).toEqual([0]);
    expect(await attempts.recordFailure(['order:KF5'], 60)).toEqual([1]);
  });
});
