// The Kefu worker processes of a soak run, and the crash the run inflicts on one of them: SIGKILL
// (no shutdown, claims and lines left as they were), then a new process in its place, as a process
// supervisor (systemd, Kubernetes) would start one.

import type { SpawnedKefu } from '../test/support/spawn-kefu.ts';

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
  const replacement = await pool.start();
  pool.workers[index] = replacement;
  log(`soak: worker ${index} started again (pid ${replacement.pid})`);
}
