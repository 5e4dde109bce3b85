// BullMQ through Redis Sentinel across a failover: the scheduler's queue connection and its
// worker's blocking connection are both found through the sentinels (bullmq-scheduler.ts), so after
// the master is SIGKILLed and the replica promoted, a job scheduled before the kill still runs once
// and a job scheduled after it runs too. (BullMQ workers behind Sentinel used to stop taking jobs
// for good after a failover: https://github.com/taskforcesh/bullmq/issues/4378.) Polls with
// generous limits, never asserting how long anything took.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqScheduler } from '../../adapters/schedulers/bullmq/bullmq-scheduler.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import type { ScheduledJob } from '../../dialogs/scheduling/scheduler.ts';
import { startRedisSentinel, type LocalRedisSentinel } from '../support/redis-sentinel.ts';
import { uniquePrefix } from '../support/redis-server.ts';
import { eventually } from '../support/fake-marketplace.ts';

let sentinel: LocalRedisSentinel;
let scheduler: BullmqScheduler;
const runs: ScheduledJob[] = [];

beforeAll(async () => {
  sentinel = await startRedisSentinel();
  scheduler = new BullmqScheduler({
    sentinel: { nodes: sentinel.sentinelNodes, masterName: sentinel.masterName },
    prefix: `${uniquePrefix('sentinel-scheduler')}bull`,
    queueName: 'failover',
    logger: silentLogger,
    backoffMs: 20,
  });
  await scheduler.ready();
  await scheduler.start(async (job) => void runs.push(job));
}, 90_000);

afterAll(async () => {
  await scheduler?.close();
  await sentinel?.stop();
});


const ranTimes = (key: string): number => runs.filter((run) => run.key === key).length;

describe('BullMQ scheduler through Redis Sentinel', () => {
  it('runs jobs on the promoted replica after the master is killed: one scheduled before, one after', { timeout: 120_000 }, async () => {
    await scheduler.schedule({ key: 'before-1', runAt: Date.now(), data: { n: 1 } });
    await eventually(() => (ranTimes('before-1') === 1 ? true : undefined), 'the first job ran', 60_000);

    // Due a little later, so it is most likely still waiting when the master dies.
    await scheduler.schedule({ key: 'before-2', runAt: Date.now() + 1000, data: { n: 2 } });
    await sentinel.waitUntilReplicated();
    const oldMaster = await sentinel.masterPort();
    await sentinel.kill(oldMaster);
    await sentinel.waitForFailover(oldMaster);

    // The queue's connection fails fast while it finds the new master: the caller retries.
    await eventually(async () => {
      try {
        await scheduler.schedule({ key: 'after-1', runAt: Date.now(), data: { n: 3 } });
        return true;
      } catch {
        return undefined;
      }
    }, 'a job could be scheduled on the new master', 60_000);
    await eventually(() => (ranTimes('after-1') === 1 && ranTimes('before-2') === 1 ? true : undefined), 'both jobs ran on the new master', 60_000);
    expect(runs.map((run) => run.key).sort()).toEqual(['after-1', 'before-1', 'before-2']);
    expect(runs.find((run) => run.key === 'before-2')?.data).toEqual({ n: 2 });
  });
});
