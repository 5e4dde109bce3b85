// Redis connections for tests, set up and cleaned up the same way in every suite: on the shared
// server, ready clients under a key prefix of their own whose keys go when the test is done; on a
// private server, a client that stays quiet while the test takes that server away.
// useSharedRedis and usePrivateRedis register the vitest hooks themselves and hand back accessors,
// which are valid inside the tests of the describe block they were called in.

import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, inject } from 'vitest';
import { silentLogger } from '../../dialogs/ports.ts';
import { createRedisClient, createRedisCluster, waitForRedisReady, type RedisClientOptions } from '../../adapters/stores/redis/redis-connection.ts';
import { deleteKeysByPrefix, sharedRedisUrl, startPrivateRedis, uniquePrefix, type PrivateRedisOptions, type PrivateRedisServer } from './redis-server.ts';

export interface SharedRedis {
  /** A ready client on the shared server. */
  readonly client: Redis;
  /** The key prefix of this test alone, e.g. "kefu-test:session:3f9a1c:". */
  readonly prefix: string;
  /** One more ready client on the same server, as another server process would hold; closed by close(). */
  connectAnother(): Promise<Redis>;
  /** Deletes every key under prefix and closes every client (those already disconnected included). */
  close(): Promise<void>;
}

/**
 * Connects to the shared Redis under a fresh prefix named after label; call close() when done. The
 * clients are named after the prefix too (e.g. "kefu-test-session-3f9a1c"), so CLIENT LIST tells
 * this test's connections apart from those of tests running at the same time.
 */
export async function connectSharedRedis(label: string, options: RedisClientOptions = {}): Promise<SharedRedis> {
  const prefix = uniquePrefix(label);
  const clientOptions = { connectionName: prefix.slice(0, -1).replaceAll(':', '-'), ...options };
  const clients: Redis[] = [];
  const connectAnother = async (): Promise<Redis> => {
    const client = createRedisClient(sharedRedisUrl, clientOptions);
    clients.push(client);
    await waitForRedisReady(client);
    return client;
  };
  let client: Redis;
  try {
    client = await connectAnother();
  } catch (error) {
    for (const each of clients) each.disconnect(); // it would go on reconnecting, keeping the test run alive
    throw error;
  }
  return {
    client,
    prefix,
    connectAnother,
    async close() {
      await deleteKeysByPrefix(client, prefix);
      // quit() lets Redis answer what is in flight; a client a test already disconnected just closes.
      await Promise.all(clients.map((each) => each.quit().catch(() => each.disconnect())));
    },
  };
}

export interface ClusterRedis {
  /** A ready client on the run's local Redis Cluster (test/setup/redis-cluster-setup.ts). */
  readonly client: Cluster;
  /** The key prefix of this test alone. */
  readonly prefix: string;
  /** One more ready Cluster client, as another server process would hold; closed by close(). */
  connectAnother(): Promise<Cluster>;
  /** Deletes every key under prefix on every master and closes every client. */
  close(): Promise<void>;
}

/** connectSharedRedis's twin on the local Redis Cluster of 3 masters with replicas. */
export async function connectClusterRedis(label: string, options: RedisClientOptions = {}): Promise<ClusterRedis> {
  const prefix = uniquePrefix(`cluster-${label}`);
  const clientOptions = { connectionName: prefix.slice(0, -1).replaceAll(':', '-'), ...options };
  const clients: Cluster[] = [];
  const connectAnother = async (): Promise<Cluster> => {
    const client = createRedisCluster(inject('redisClusterNodes'), clientOptions);
    clients.push(client);
    await waitForRedisReady(client);
    return client;
  };
  let client: Cluster;
  try {
    client = await connectAnother();
  } catch (error) {
    for (const each of clients) each.disconnect();
    throw error;
  }
  return {
    client,
    prefix,
    connectAnother,
    async close() {
      await deleteKeysByPrefix(client, prefix);
      await Promise.all(clients.map((each) => each.quit().catch(() => each.disconnect())));
    },
  };
}

/** connectSharedRedis before the tests of the current describe block, close after them. */
export function useSharedRedis(label: string, options: RedisClientOptions = {}): SharedRedis {
  const current = openAroundSuite(
    'useSharedRedis',
    () => connectSharedRedis(label, options),
    (redis) => redis.close(),
  );
  return {
    get client() {
      return current().client;
    },
    get prefix() {
      return current().prefix;
    },
    connectAnother: () => current().connectAnother(),
    close: () => current().close(),
  };
}

export interface PrivateRedis {
  /** The private server: stop() takes it away like a crash, start() brings it back (empty, unless it keeps its data). */
  readonly server: PrivateRedisServer;
  /** A ready client on it that reconnects by itself and logs nothing about the outages. */
  readonly client: Redis;
}

/** A private Redis and a client on it, started before the tests of the current describe block, stopped after them. */
export function usePrivateRedis(options: PrivateRedisOptions = {}): PrivateRedis {
  const current = openAroundSuite(
    'usePrivateRedis',
    async () => {
      const server = await startPrivateRedis(options);
      const client = createRedisClient(server.url, { logger: silentLogger });
      try {
        await waitForRedisReady(client);
      } catch (error) {
        client.disconnect();
        await server.stop();
        throw error;
      }
      return { server, client };
    },
    async ({ server, client }) => {
      client.disconnect();
      await server.stop();
    },
  );
  return {
    get server() {
      return current().server;
    },
    get client() {
      return current().client;
    },
  };
}

/**
 * Opens something in beforeAll and closes it in afterAll of the current describe block; returns
 * a getter for it, which fails clearly when called outside the tests (at collection time, say).
 */
function openAroundSuite<T>(helper: string, open: () => Promise<T>, close: (opened: T) => Promise<void>): () => T {
  let opened: T | undefined;
  beforeAll(async () => {
    opened = await open();
  });
  afterAll(async () => {
    if (opened !== undefined) await close(opened);
  });
  return () => {
    if (opened === undefined) throw new Error(`${helper}: what it opens is only there inside a test`);
    return opened;
  };
}
