import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A real Redis Cluster (3 masters, 3 replicas) on loopback for the Cluster runs of the store contracts.
    globalSetup: ['test/setup/redis-cluster-setup.ts'],
    // Tests start real servers, Redis instances and a browser: generous limits, not timing assertions.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: run test files in two worker processes at most, so servers are not starved.
    maxWorkers: 2,
  },
});
