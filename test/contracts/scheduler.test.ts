// Contract of the Scheduler port, run against the in-process timer and BullMQ on the shared Redis
// (each test on a queue prefix of its own). Time is real here — BullMQ delays run on Redis time —
// so jobs are scheduled a little ahead and the tests poll with a generous limit, never asserting
// how long anything took.

import { afterEach, describe, expect, inject, it } from 'vitest';
import { BullmqScheduler } from '../../adapters/schedulers/bullmq/bullmq-scheduler.ts';
import { InProcessScheduler } from '../../adapters/schedulers/in-process/in-process-scheduler.ts';
import { silentLogger, systemClock } from '../../dialogs/ports.ts';
import type { ScheduledJob, Scheduler } from '../../dialogs/scheduling/scheduler.ts';
import { connectClusterRedis, connectSharedRedis, type SharedRedis } from '../support/redis-fixtures.ts';
import { deleteKeysByPrefix, keysWithPrefix, sharedRedisUrl, startPrivateRedis } from '../support/redis-server.ts';

interface Fixture {
  /** A new scheduler on the same backing store ("another process", or the same process after a restart). */
  open(): Scheduler;
}

const opened: Scheduler[] = [];
const redisHandles: Pick<SharedRedis, 'close'>[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((scheduler) => scheduler.close()));
  await Promise.all(redisHandles.splice(0).map((redis) => redis.close()));
});

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'in-process',
    async () => ({
      open: () => {
        const scheduler = new InProcessScheduler({ clock: systemClock, logger: silentLogger, backoffMs: 20 });
        opened.push(scheduler);
        return scheduler;
      },
    }),
  ],
  [
    'bullmq',
    async () => {
      const redis = await connectSharedRedis('scheduler');
      redisHandles.push(redis);
      return {
        open: () => {
          const scheduler = new BullmqScheduler({
            url: sharedRedisUrl,
            prefix: `${redis.prefix}bull`,
            queueName: 'contract',
            logger: silentLogger,
            backoffMs: 20,
          });
          opened.push(scheduler);
          return scheduler;
        },
      };
    },
  ],
  [
    // BullMQ on the run's local Redis Cluster: the scheduler wraps its prefix in braces (one slot per queue).
    'bullmq-cluster',
    async () => {
      const redis = await connectClusterRedis('scheduler');
      redisHandles.push({
        close: async () => {
          await deleteKeysByPrefix(redis.client, `{${redis.prefix}`);
          await redis.close();
        },
      });
      return {
        open: () => {
          const scheduler = new BullmqScheduler({
            clusterNodes: inject('redisClusterNodes'),
            prefix: `${redis.prefix}bull`,
            queueName: 'contract',
            logger: silentLogger,
            backoffMs: 20,
          });
          opened.push(scheduler);
          return scheduler;
        },
      };
    },
  ],
];

async function until(condition: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > limitMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function recorder(): { runs: ScheduledJob[]; handler: (job: ScheduledJob) => Promise<void> } {
  const runs: ScheduledJob[] = [];
  return { runs, handler: async (job) => void runs.push(job) };
}

describe.each(implementations)('Scheduler contract: %s', (_name, setUp) => {
  it('runs a job once at its time, with its key and data', async () => {
    const fixture = await setUp();
    const scheduler = fixture.open();
    const { runs, handler } = recorder();
    await scheduler.start(handler);
    const runAt = Date.now() + 150;
    await scheduler.schedule({ key: 'reminder:ORD-1:1', runAt, data: { orderId: 'ORD-1', n: 1, note: null, ok: true } });
    await until(() => runs.length === 1, 'the job ran');
    expect(runs[0]).toEqual({ key: 'reminder:ORD-1:1', runAt, data: { orderId: 'ORD-1', n: 1, note: null, ok: true } });
    expect(Date.now()).toBeGreaterThanOrEqual(runAt - 50); // never early (the clocks of Redis and Node agree within this)
  });

  it('runs a job whose time has passed as soon as it can', async () => {
    const scheduler = (await setUp()).open();
    const { runs, handler } = recorder();
    await scheduler.start(handler);
    await scheduler.schedule({ key: 'past', runAt: Date.now() - 60_000, data: {} });
    await until(() => runs.length === 1, 'the overdue job ran');
  });

  it('keeps the first schedule when a waiting key is scheduled again', async () => {
    const scheduler = (await setUp()).open();
    const { runs, handler } = recorder();
    await scheduler.schedule({ key: 'same', runAt: Date.now() + 100, data: { v: 'first' } });
    await scheduler.schedule({ key: 'same', runAt: Date.now() + 100, data: { v: 'second' } });
    await scheduler.schedule({ key: 'marker', runAt: Date.now() + 400, data: {} });
    await scheduler.start(handler);
    await until(() => runs.some((job) => job.key === 'marker'), 'the marker ran');
    expect(runs.filter((job) => job.key === 'same').map((job) => job.data)).toEqual([{ v: 'first' }]);
  });

  it('cancels a waiting job by its key; cancelling an unknown key says false', async () => {
    const scheduler = (await setUp()).open();
    const { runs, handler } = recorder();
    await scheduler.start(handler);
    await scheduler.schedule({ key: 'cancel-me', runAt: Date.now() + 300, data: {} });
    expect(await scheduler.cancel('cancel-me')).toBe(true);
    expect(await scheduler.cancel('cancel-me')).toBe(false);
    expect(await scheduler.cancel('never-scheduled')).toBe(false);
    await scheduler.schedule({ key: 'marker', runAt: Date.now() + 600, data: {} });
    await until(() => runs.some((job) => job.key === 'marker'), 'the marker ran');
    expect(runs.map((job) => job.key)).toEqual(['marker']);
  });

  it('frees a key once its job has run, so it can be scheduled again', async () => {
    const scheduler = (await setUp()).open();
    const { runs, handler } = recorder();
    await scheduler.start(handler);
    await scheduler.schedule({ key: 'again', runAt: Date.now(), data: { n: 1 } });
    await until(() => runs.length === 1, 'the first run');
    // BullMQ removes a completed job just after the handler returns: poll until the key is free.
    for (let n = 2; runs.length < 2 && n < 200; n += 1) {
      await scheduler.schedule({ key: 'again', runAt: Date.now(), data: { n } });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await until(() => runs.length >= 2, 'the second run');
  });

  it('retries a job whose handler throws, until it succeeds', async () => {
    const scheduler = (await setUp()).open();
    let calls = 0;
    await scheduler.start(async () => {
      calls += 1;
      if (calls < 3) throw new Error(`dependency down (call ${calls})`);
    });
    await scheduler.schedule({ key: 'flaky', runAt: Date.now(), data: {} });
    await until(() => calls === 3, 'the third call');
    await scheduler.schedule({ key: 'marker', runAt: Date.now() + 200, data: {} });
    await until(() => calls === 4, 'the marker ran');
  });

  it('refuses keys it could not store', async () => {
    const scheduler = (await setUp()).open();
    for (const key of ['', 'with space', 'x'.repeat(513), 'tab\there']) {
      await expect(scheduler.schedule({ key, runAt: Date.now(), data: {} })).rejects.toThrow(RangeError);
      await expect(scheduler.cancel(key)).rejects.toThrow(RangeError);
    }
    await expect(scheduler.schedule({ key: 'nan', runAt: Number.NaN, data: {} })).rejects.toThrow(RangeError);
  });
});

describe('BullMQ scheduler across processes', () => {
  async function twoSchedulers(): Promise<{ open: () => Scheduler; redis: SharedRedis }> {
    const redis = await connectSharedRedis('scheduler');
    redisHandles.push(redis);
    const open = (): Scheduler => {
      const scheduler = new BullmqScheduler({ url: sharedRedisUrl, prefix: `${redis.prefix}bull`, queueName: 'shared', logger: silentLogger });
      opened.push(scheduler);
      return scheduler;
    };
    return { open, redis };
  }

  it('hands each due job to exactly one of two schedulers sharing the queue', async () => {
    const { open } = await twoSchedulers();
    const [a, b] = [open(), open()];
    const ranOn: string[] = [];
    await a.start(async (job) => void ranOn.push(`a:${job.key}`));
    await b.start(async (job) => void ranOn.push(`b:${job.key}`));
    const keys = Array.from({ length: 30 }, (_, i) => `job-${i}`);
    await Promise.all(keys.map((key, i) => (i % 2 ? a : b).schedule({ key, runAt: Date.now() + 100, data: {} })));
    await until(() => ranOn.length >= keys.length, 'every job ran');
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for a wrong second run to show up
    expect(ranOn.map((entry) => entry.slice(2)).sort()).toEqual([...keys].sort());
  });

  it('keeps waiting jobs across a restart: scheduled by one process, run by the next', async () => {
    const { open, redis } = await twoSchedulers();
    const first = open();
    await first.schedule({ key: 'survivor', runAt: Date.now() + 200, data: { orderId: 'ORD-9' } });
    await first.close();
    expect((await keysWithPrefix(redis.client, redis.prefix)).length).toBeGreaterThan(0);
    const second = open();
    const { runs, handler } = recorder();
    await second.start(handler);
    await until(() => runs.length === 1, 'the job ran after the restart');
    expect(runs[0]!.data).toEqual({ orderId: 'ORD-9' });
  });

  it('lets a running job finish before close() returns', async () => {
    const { open } = await twoSchedulers();
    const scheduler = open();
    let finished = false;
    let started = false;
    await scheduler.start(async () => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
    });
    await scheduler.schedule({ key: 'slow', runAt: Date.now(), data: {} });
    await until(() => started, 'the job started');
    await scheduler.close();
    expect(finished).toBe(true);
  });

  it('closes after Redis went away and came back (a worker parked by the outage does not hold it)', { timeout: 60_000 }, async () => {
    const redis = await startPrivateRedis();
    try {
      const scheduler = new BullmqScheduler({ url: redis.url, prefix: 'kefu-test:bull', queueName: 'outage', logger: silentLogger });
      await scheduler.ready();
      await scheduler.start(async () => {});
      await redis.stop();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await redis.start();
      await scheduler.close(); // resolves: the test's time limit is the check
    } finally {
      await redis.stop();
    }
  });
});
