// The embedded scheduler: jobs wait in this process's memory and run on a timer. Good for one
// process and for trying Kefu out; waiting jobs are lost on restart and are not shared with other
// processes (set REDIS_URL to use BullMQ instead). Time comes from an injected Clock, so tests move
// time and call runDue() instead of sleeping.

import type { Clock, Logger } from '../../../dialogs/ports.ts';
import { checkJobKey, type JobHandler, type ScheduledJob, type Scheduler } from '../../../dialogs/scheduling/scheduler.ts';

export interface InProcessSchedulerOptions {
  clock: Clock;
  logger: Logger;
  /** Runs of a job before it is given up (the first included). Default 5. */
  attempts?: number;
  /** Pause before the first retry; it doubles at each retry. Default 1000 ms. */
  backoffMs?: number;
  /** Run due jobs on a real timer. Tests with a manual clock turn it off and call runDue(). Default true. */
  timers?: boolean;
}

interface Waiting extends ScheduledJob {
  attempt: number;
}

/** Longest single timer: setTimeout overflows past about 24.8 days, and a clock may be moved. */
const MAX_TIMER_MS = 60_000;

export class InProcessScheduler implements Scheduler {
  private readonly waiting = new Map<string, Waiting>();
  private readonly running = new Set<Promise<void>>();
  private handler: JobHandler | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(private readonly options: InProcessSchedulerOptions) {
    this.attempts = options.attempts ?? 5;
    this.backoffMs = options.backoffMs ?? 1000;
  }

  async schedule(job: ScheduledJob): Promise<void> {
    checkJobKey(job.key);
    if (!Number.isFinite(job.runAt)) throw new RangeError('runAt must be a finite number of milliseconds');
    if (this.closed) throw new Error('scheduler is closed');
    if (this.waiting.has(job.key)) return;
    // A copy through JSON, as BullMQ stores it: data that would not survive Redis fails here too.
    this.waiting.set(job.key, { key: job.key, runAt: job.runAt, data: JSON.parse(JSON.stringify(job.data)), attempt: 1 });
    this.arm();
  }

  async cancel(key: string): Promise<boolean> {
    checkJobKey(key);
    const removed = this.waiting.delete(key);
    if (removed) this.arm();
    return removed;
  }

  async start(handler: JobHandler): Promise<void> {
    if (this.handler) throw new Error('scheduler already started');
    this.handler = handler;
    this.arm();
  }

  /** Runs every job that is due now (by the clock) and waits for them; the timer calls it too. */
  async runDue(): Promise<void> {
    const handler = this.handler;
    if (!handler || this.closed) return;
    const now = this.options.clock.now();
    const due = [...this.waiting.values()].filter((job) => job.runAt <= now).sort((a, b) => a.runAt - b.runAt);
    for (const job of due) this.waiting.delete(job.key);
    const runs = due.map((job) => this.track(this.runOne(handler, job)));
    await Promise.all(runs);
    this.arm();
  }

  /** How many jobs wait (for tests and the start-up log). */
  size(): number {
    return this.waiting.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all([...this.running]);
    this.waiting.clear();
  }

  private async runOne(handler: JobHandler, job: Waiting): Promise<void> {
    try {
      await handler({ key: job.key, runAt: job.runAt, data: job.data });
    } catch (error) {
      const message = (error as Error).message;
      if (job.attempt >= this.attempts || this.closed) {
        this.options.logger.error({ job: job.key, attempt: job.attempt, err: message }, 'scheduled job failed; giving up');
        return;
      }
      const retryAt = this.options.clock.now() + this.backoffMs * 2 ** (job.attempt - 1);
      this.options.logger.warn({ job: job.key, attempt: job.attempt, err: message }, 'scheduled job failed; will retry');
      // A job scheduled again under the same key meanwhile wins: it is the newer intent.
      if (!this.waiting.has(job.key)) this.waiting.set(job.key, { ...job, runAt: retryAt, attempt: job.attempt + 1 });
    }
  }

  private track(run: Promise<void>): Promise<void> {
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return run;
  }

  /** One timer for the earliest job, re-armed after every change. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.options.timers === false || !this.handler || this.closed || this.waiting.size === 0) return;
    let earliest = Infinity;
    for (const job of this.waiting.values()) earliest = Math.min(earliest, job.runAt);
    const wait = Math.min(Math.max(0, earliest - this.options.clock.now()), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runDue().catch((error: Error) => this.options.logger.error({ err: error.message }, 'scheduler run failed'));
    }, wait);
    this.timer.unref();
  }
}
