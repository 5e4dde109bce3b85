// The production scheduler: BullMQ delayed jobs on Redis. Jobs live in Redis, so they survive a
// restart of every Kefu process, and BullMQ hands each due job to exactly one worker (one per
// process) under a lock. A job's key becomes its BullMQ job id, so scheduling a waiting key again
// is a no-op and cancel(key) is queue.remove(id).
//
// Connections: commands of the queue (schedule, cancel) go through a client made by
// createRedisClient, which fails at once while Redis is unreachable (the caller gets an error and
// its sender retries) instead of queueing commands in memory. The worker has its own connection,
// which BullMQ requires to retry forever (it blocks waiting for jobs and must outlive outages).

import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from '../../../dialogs/ports.ts';
import { checkJobKey, type JobData, type JobHandler, type ScheduledJob, type Scheduler } from '../../../dialogs/scheduling/scheduler.ts';
import { connectRedis, createRedisCluster, sentinelOptions, waitForRedisReady, type RedisClient, type RedisSentinelTarget } from '../../stores/redis/redis-connection.ts';

export interface BullmqSchedulerOptions {
  /** One Redis's URL; ignored when clusterNodes or sentinel are given. */
  url?: string | null;
  /** Some nodes of a Redis Cluster: the prefix is then wrapped in braces, as BullMQ's docs ask. */
  clusterNodes?: readonly string[];
  /** The sentinels watching the master to use, and its group's name (redis.sentinel). */
  sentinel?: RedisSentinelTarget | null;
  /** BullMQ's key prefix: its keys are "<prefix>:<queueName>:…". E.g. "kefu:bull". */
  prefix: string;
  queueName: string;
  logger: Logger;
  /** Runs of a job before it is given up (the first included). Default 5. */
  attempts?: number;
  /** Pause before the first retry; it doubles at each retry. Default 1000 ms. */
  backoffMs?: number;
  /** Jobs run at the same time in this process. Default 5. */
  concurrency?: number;
}

/** How long close() waits for running jobs. */
const CLOSE_WAIT_MS = 10_000;

interface StoredJob {
  key: string;
  runAt: number;
  data: JobData;
}

/** BullMQ refuses ":" in job ids and integer-looking ids; keys are encoded so any key fits. */
export function jobIdOf(key: string): string {
  return `k-${encodeURIComponent(key)}`;
}

export class BullmqScheduler implements Scheduler {
  private readonly client: RedisClient;
  /** The prefix BullMQ is given: on a Cluster, "{<prefix>}" so a queue's keys share one slot. */
  private readonly prefix: string;
  private readonly queue: Queue<StoredJob>;
  private worker: Worker<StoredJob> | null = null;
  /** Handlers running in this process, so close() can let them finish. */
  private readonly running = new Set<Promise<void>>();
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(private readonly options: BullmqSchedulerOptions) {
    this.attempts = options.attempts ?? 5;
    this.backoffMs = options.backoffMs ?? 1000;
    this.client = connectRedis({ url: options.url ?? null, clusterNodes: options.clusterNodes, sentinel: options.sentinel }, { connectionName: 'kefu-scheduler', logger: options.logger });
    // BullMQ's scripts touch several keys of a queue: on a Cluster they must share a hash tag
    // (https://docs.bullmq.io/patterns/redis-cluster: "use a queue prefix inside brackets").
    this.prefix = onCluster(options) ? `{${options.prefix}}` : options.prefix;
    this.queue = new Queue<StoredJob>(options.queueName, { connection: this.client, prefix: this.prefix });
    this.queue.on('error', (error: Error) => options.logger.debug({ err: error.message }, 'scheduler queue error'));
  }

  /** Resolves once the queue's connection is ready (at start-up, so a missing Redis stops the start). */
  async ready(timeoutMs = 10_000): Promise<void> {
    await waitForRedisReady(this.client, timeoutMs);
  }

  async schedule(job: ScheduledJob): Promise<void> {
    checkJobKey(job.key);
    if (!Number.isFinite(job.runAt)) throw new RangeError('runAt must be a finite number of milliseconds');
    await this.queue.add(
      'job',
      { key: job.key, runAt: job.runAt, data: job.data },
      {
        jobId: jobIdOf(job.key),
        delay: Math.max(0, job.runAt - Date.now()),
        attempts: this.attempts,
        backoff: { type: 'exponential', delay: this.backoffMs },
        // Done jobs go at once, so the key is free for a later schedule; failures are logged below.
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }

  async cancel(key: string): Promise<boolean> {
    checkJobKey(key);
    // remove() answers 1 for an id it does not know, so ask first; it refuses a job a worker holds
    // (it is running), which then runs to its end.
    const id = jobIdOf(key);
    const state = await this.queue.getJobState(id);
    if (state !== 'delayed' && state !== 'waiting' && state !== 'prioritized' && state !== 'waiting-children') return false;
    return (await this.queue.remove(id)) === 1;
  }

  async start(handler: JobHandler): Promise<void> {
    if (this.worker) throw new Error('scheduler already started');
    const { queueName, logger } = this.options;
    const prefix = this.prefix;
    this.worker = new Worker<StoredJob>(
      queueName,
      async (job: Job<StoredJob>) => {
        const run = handler({ key: job.data.key, runAt: job.data.runAt, data: job.data.data });
        this.running.add(run);
        try {
          await run;
        } finally {
          this.running.delete(run);
        }
      },
      {
        connection: workerConnection(this.options),
        prefix,
        concurrency: this.options.concurrency ?? 5,
      },
    );
    this.worker.on('error', (error: Error) => logger.debug({ err: error.message }, 'scheduler worker error'));
    this.worker.on('failed', (job, error) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      const fields = { job: job.data.key, attempt: job.attemptsMade, err: error.message };
      if (final) logger.error(fields, 'scheduled job failed; giving up');
      else logger.warn(fields, 'scheduled job failed; will retry');
    });
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    // Let this process's running jobs finish (bounded), then close without waiting on BullMQ's own
    // loop, which after a Redis outage can stay parked waiting for a job that never comes. A job
    // that is still running when the bound passes is picked up again as stalled by a worker, and
    // the handler's own checks make that harmless (payment reminders claim each reminder once).
    const settled = Promise.allSettled([...this.running]);
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
    await this.worker?.close(true);
    await this.queue.close();
    this.client.disconnect();
  }
}

function onCluster(options: BullmqSchedulerOptions): boolean {
  return (options.clusterNodes?.length ?? 0) > 0;
}

/**
 * The worker's blocking connection: BullMQ needs maxRetriesPerRequest null on it. Its default waits
 * up to 20 s between reconnect attempts; reconnect as fast as the other clients.
 */
function workerConnection(options: BullmqSchedulerOptions) {
  const retryStrategy = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt - 1, 16), 2000);
  if (onCluster(options)) {
    return createRedisCluster(options.clusterNodes!, {
      connectionName: 'kefu-scheduler-worker',
      redisOptions: { maxRetriesPerRequest: null },
    });
  }
  if ((options.sentinel?.nodes.length ?? 0) > 0) {
    // Options rather than a client, as for one Redis: BullMQ makes the blocking connection itself,
    // through Sentinel ("the options you pass to BullMQ are passed to the ioredis constructor",
    // https://docs.bullmq.io/guide/connections). A worker whose blocking connection was cut while
    // ioredis was asking the sentinels for the master stopped taking jobs for good before BullMQ
    // reconnected it (https://github.com/taskforcesh/bullmq/issues/4378, fixed in the version used here).
    return { ...sentinelOptions(options.sentinel!), connectionName: 'kefu-scheduler-worker', maxRetriesPerRequest: null, retryStrategy };
  }
  if (!options.url) throw new RangeError('BullmqScheduler needs url, clusterNodes or sentinel');
  return { url: options.url, connectionName: 'kefu-scheduler-worker', maxRetriesPerRequest: null, retryStrategy };
}
