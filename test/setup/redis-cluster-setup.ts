// vitest global setup: one local Redis Cluster for the whole run (starting one takes a second or
// two), torn down when the run ends. Suites reach it through connectClusterRedis (redis-fixtures.ts).

import type { TestProject } from 'vitest/node';
import { startRedisCluster } from '../support/redis-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** redis:// URLs of the local Cluster's nodes. */
    redisClusterNodes: string[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startRedisCluster(3, 1);
  project.provide('redisClusterNodes', cluster.nodeUrls);
  return () => cluster.stop();
}
