// The Kefu worker processes of a soak run, and the crash the run inflicts on one of them: SIGKILL
// (no shutdown, claims and lines left as they were), then a new process in its place, as a process
// supervisor (systemd, Kubernetes) would start one.

import type { SpawnedKefu } from '../test/support/spawn-kefu.ts';

/** How many times a killed worker's replacement is started before the run gives up. */
const START_ATTEMPTS = 5;

export interface WorkerPool {
  /** The workers buyers may reach now; a killed one stays in the list until its replacement is up (its requests fail). */
  workers: SpawnedKefu[];
  start(): Promise<SpawnedKefu>;
}

export async function killWorker(pool: WorkerPool, index: number, log: (line: string) => void): Promise<void> {
  const worker = pool.workers[index]!;
  log(`soak: killing worker ${index} (pid ${worker.pid}) with SIGKILL`);
  try {
    process.kill(worker.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  await worker.stop().catch(() => {});
  // As a supervisor does: a worker that cannot start (Redis unreachable during a failover makes Kefu
  // exit at start-up) is started again after a pause.
  for (let attempt = 1; ; attempt += 1) {
    try {
      const replacement = await pool.start();
      pool.workers[index] = replacement;
      log(`soak: worker ${index} started again (pid ${replacement.pid})`);
      return;
    } catch (error) {
      if (attempt >= START_ATTEMPTS) throw error;
      log(`soak: worker ${index} did not start (attempt ${attempt}); trying again`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}
