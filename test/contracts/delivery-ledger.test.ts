// Contract of the DeliveryLedger port, run against the memory ledger and the Redis ledger alike.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryLedger } from '../../dialogs/ports.ts';
import { MemoryDeliveryLedger } from '../../adapters/stores/memory/memory-delivery-ledger.ts';
import { RedisDeliveryLedger } from '../../adapters/stores/redis/redis-delivery-ledger.ts';
import { connectClusterRedis, connectSharedRedis, useSharedRedis } from '../support/redis-fixtures.ts';
import { elapseRedisTtls, manualClock } from '../support/store-test-kit.ts';

interface Fixture {
  ledger: DeliveryLedger;
  /** A second handle on the same ledger, as another server process would have. */
  otherProcess: DeliveryLedger;
  elapse(seconds: number): Promise<void>;
  close(): Promise<void>;
}

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'memory',
    async () => {
      const clock = manualClock();
      const ledger = new MemoryDeliveryLedger({ clock });
      return {
        ledger,
        otherProcess: ledger, // an embedded bot is one process
        elapse: async (seconds) => clock.advance(seconds * 1000),
        close: async () => {},
      };
    },
  ],
  [
    'redis',
    async () => {
      const redis = await connectSharedRedis('ledger');
      const { client, prefix } = redis;
      return {
        ledger: new RedisDeliveryLedger({ client, prefix }),
        otherProcess: new RedisDeliveryLedger({ client: await redis.connectAnother(), prefix }),
        elapse: (seconds) => elapseRedisTtls(client, prefix, seconds),
        close: () => redis.close(),
      };
    },
  ],
  // The same store on a real Cluster of 3 masters with replicas (test/setup/redis-cluster-setup.ts).
  [
    'redis-cluster',
    async () => {
      const redis = await connectClusterRedis('ledger');
      const { client, prefix } = redis;
      return {
        ledger: new RedisDeliveryLedger({ client, prefix }),
        otherProcess: new RedisDeliveryLedger({ client: await redis.connectAnother(), prefix }),
        elapse: (seconds) => elapseRedisTtls(client, prefix, seconds),
        close: () => redis.close(),
      };
    },
  ],
];

describe.each(implementations)('DeliveryLedger contract: %s', (_name, makeFixture) => {
  let fixture: Fixture;
  let ledger: DeliveryLedger;
  beforeEach(async () => {
    fixture = await makeFixture();
    ledger = fixture.ledger;
  });
  afterEach(() => fixture.close());

  it('claims a message id once; a retried delivery finds it in progress, then done with the same result', async () => {
    expect(await ledger.claim('taobao:msg-1', 60)).toEqual({ status: 'new' });
    expect(await fixture.otherProcess.claim('taobao:msg-1', 60)).toEqual({ status: 'in_progress' });

    await ledger.complete('taobao:msg-1', '{"replies":["您好，已为您修改地址"]}', 3600);
    expect(await fixture.otherProcess.claim('taobao:msg-1', 60)).toEqual({
      status: 'done',
      result: '{"replies":["您好，已为您修改地址"]}',
    });
  });

  it('keeps any result exactly, the empty string and "?" included', async () => {
    for (const result of ['', '?', '=', 'line\nbreak 🎉']) {
      const key = `m-${JSON.stringify(result)}`;
      await ledger.claim(key, 60);
      await ledger.complete(key, result, 60);
      expect(await ledger.claim(key, 60)).toEqual({ status: 'done', result });
    }
  });

  it('lets a claim that was never completed lapse after its claim TTL', async () => {
    await ledger.claim('m', 30);
    await fixture.elapse(29);
    expect(await ledger.claim('m', 30)).toEqual({ status: 'in_progress' });
    await fixture.elapse(2);
    expect(await ledger.claim('m', 30)).toEqual({ status: 'new' });
  });

  it('remembers a result for keepSeconds, then forgets it', async () => {
    await ledger.claim('m', 30);
    await ledger.complete('m', 'ok', 3600);
    await fixture.elapse(3599);
    expect(await ledger.claim('m', 30)).toEqual({ status: 'done', result: 'ok' });
    await fixture.elapse(2);
    expect(await ledger.claim('m', 30)).toEqual({ status: 'new' });
  });

  it('release() gives a pending claim back, so the platform retry is handled', async () => {
    await ledger.claim('m', 60);
    await ledger.release('m');
    expect(await fixture.otherProcess.claim('m', 60)).toEqual({ status: 'new' });
  });

  it('release() never forgets a completed result', async () => {
    await ledger.claim('m', 60);
    await ledger.complete('m', 'sent', 600);
    await ledger.release('m');
    expect(await ledger.claim('m', 60)).toEqual({ status: 'done', result: 'sent' });
    await expect(ledger.release('never-claimed')).resolves.toBeUndefined();
  });

  it('records a result even when the claim had lapsed meanwhile', async () => {
    await ledger.claim('m', 10);
    await fixture.elapse(11);
    await ledger.complete('m', 'late but done', 600);
    expect(await ledger.claim('m', 10)).toEqual({ status: 'done', result: 'late but done' });
  });

  it('grants exactly one of many simultaneous claims', async () => {
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? ledger : fixture.otherProcess).claim('m', 60)),
    );
    expect(claims.filter((claim) => claim.status === 'new')).toHaveLength(1);
    expect(claims.filter((claim) => claim.status === 'in_progress')).toHaveLength(19);
  });

  it('rejects bad keys, TTLs and results', async () => {
    await expect(ledger.claim('', 60)).rejects.toThrow(RangeError);
    await expect(ledger.claim('x'.repeat(5000), 60)).rejects.toThrow(RangeError);
    await expect(ledger.claim('m', 0)).rejects.toThrow(RangeError);
    await expect(ledger.complete('m', 'r', Number.NaN)).rejects.toThrow(RangeError);
    await expect(ledger.complete('m', 42 as unknown as string, 60)).rejects.toThrow(TypeError);
    await expect(ledger.release(null as unknown as string)).rejects.toThrow(TypeError);
    expect(await ledger.claim('m', 60)).toEqual({ status: 'new' });
  });
});

describe('RedisDeliveryLedger on Redis', () => {
  const redis = useSharedRedis('ledger-redis');

  it('sets the claim TTL and the keep TTL on the key', async () => {
    const { client, prefix } = redis;
    const ledger = new RedisDeliveryLedger({ client, prefix });
    await ledger.claim('m', 45);
    const claimTtl = await client.ttl(`${prefix}delivery:m`);
    expect(claimTtl).toBeGreaterThan(0);
    expect(claimTtl).toBeLessThanOrEqual(45);
    await ledger.complete('m', 'ok', 7200);
    const keepTtl = await client.ttl(`${prefix}delivery:m`);
    expect(keepTtl).toBeGreaterThan(45);
    expect(keepTtl).toBeLessThanOrEqual(7200);
  });
});
