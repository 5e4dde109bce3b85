// The scheduler port: run a job at a given time, once, on one of the server processes. Payment
// reminders use it; anything else that must happen later (a follow-up, a timeout) can too.
// Implementations: an in-process timer (adapters/schedulers/in-process, the embedded default; jobs
// are lost on restart) and BullMQ on Redis (adapters/schedulers/bullmq, when REDIS_URL is set; jobs
// survive restarts and are shared by every process). test/contracts/scheduler.test.ts runs both.

/** Plain JSON data a job carries to its handler. */
export type JobData = Record<string, string | number | boolean | null>;

export interface ScheduledJob {
  /**
   * Unique key of the job, e.g. "payment-reminder:ORD-1:1". While a job with this key is waiting,
   * scheduling the key again changes nothing, and cancel(key) removes it.
   */
  key: string;
  /** When to run it, in milliseconds since the epoch; a time in the past means "as soon as possible". */
  runAt: number;
  data: JobData;
}

/**
 * Runs one due job. A handler that throws is retried later (a few times, with growing pauses), so
 * a failing dependency delays the job rather than dropping it.
 */
export type JobHandler = (job: ScheduledJob) => Promise<void>;

export interface Scheduler {
  /** Schedules a job; a key that is already waiting keeps its first schedule. */
  schedule(job: ScheduledJob): Promise<void>;
  /** Removes a waiting job; true when there was one. A job already running is not interrupted. */
  cancel(key: string): Promise<boolean>;
  /** Starts handing due jobs to the handler (each due job to one process, once). Call once. */
  start(handler: JobHandler): Promise<void>;
  /** Stops taking jobs and waits for the running ones (BullMQ: up to 10 s); waiting jobs stay scheduled (BullMQ) or are dropped (in-process). */
  close(): Promise<void>;
}

/** Keys are short printable identifiers: what every implementation can store as it is. */
export function checkJobKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 512 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new RangeError('job key must be 1 to 512 printable ASCII characters without spaces');
  }
}
