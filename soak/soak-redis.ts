// The Redis a soak run's workers share, in one of two shapes, with the failure the run inflicts on it:
//   cluster  3 masters + 3 replicas (no persistence); a master is SIGKILLed, its replica takes over,
//            and the killed node is started again 4 s later (it rejoins as a replica);
//   single   one redis-server with an append-only file fsynced on every write (appendonly yes,
//            appendfsync always) in a temporary folder; it is SIGKILLed and started again 1.3 s
//            later on the same port with its data: issue 13's second chaos run.

import { Cluster, Redis } from 'ioredis';
import { startRedisCluster } from '../test/support/redis-cluster.ts';
import { startPrivateRedis } from '../test/support/redis-server.ts';

export type SoakRedisShape = 'cluster' | 'single';

export interface SoakRedis {
  /** For the start line, e.g. "a Redis Cluster of 3 masters + 3 replicas". */
  readonly description: string;
  /** The environment that points a Kefu worker at it. */
  readonly env: Record<string, string>;
  /**
   * Kills Redis with SIGKILL and starts it again; says what it did through log. On a Cluster the
   * master killed is the one holding `key` (the run passes the Lazada inbox's key, so the failover
   * tests the pushes it acknowledged). `serving`: Redis answers again (the replica promoted, or the
   * single server back); `back`: the killed server is running again too.
   */
  crash(log: (line: string) => void, when: string, key: string): { serving: Promise<void>; back: Promise<void> };
  /** Every key matching pattern, with its value (strings only), read after the run. */
  readStrings(pattern: string): Promise<Map<string, string>>;
  /** XLEN of a stream (0 when it does not exist). */
  streamLength(key: string): Promise<number>;
  stop(): Promise<void>;
}

/** How long the single Redis stays down: issue 13's measured chaos run. */
export const SINGLE_DOWN_MS = 1300;
/** How long a killed Cluster master stays down (its replica is promoted within ~3 s). */
const MASTER_DOWN_MS = 4000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startSoakRedis(shape: SoakRedisShape): Promise<SoakRedis> {
  return shape === 'single' ? startSingle() : startCluster();
}

/** The run's own client for its reads (never the workers' connections), made at the first read. */
function reader<C extends Redis | Cluster>(connect: () => C): { get(): Promise<C>; close(): void } {
  let client: C | null = null;
  return {
    async get() {
      if (!client) {
        client = connect();
        client.on('error', () => {}); // it reconnects by itself; a read that fails says why
      }
      const ready = client;
      if (ready.status !== 'ready') await new Promise((resolve) => ready.once('ready', resolve));
      return ready;
    },
    close() {
      client?.disconnect();
      client = null;
    },
  };
}

async function startCluster(): Promise<SoakRedis> {
  const cluster = await startRedisCluster(3, 1);
  const client = reader(() => new Cluster(cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }))));
  return {
    description: 'a Redis Cluster of 3 masters + 3 replicas',
    env: { REDIS_CLUSTER_NODES: cluster.nodeUrls.join(',') },
    crash(log, when, key) {
      const killed = (async () => {
        const reading = await client.get();
        const slot = Number(await reading.cluster('KEYSLOT', key));
        const owner = reading.slots[slot]?.[0];
        const port = owner ? Number(owner.split(':').pop()) : await cluster.aMaster();
        const replica = await replicaOf(cluster.nodes.map((node) => node.port), port);
        log(`soak: killing Redis master :${port} (SIGKILL, it holds ${key}) ${when}; its replica :${replica} takes over`);
        const at = Date.now();
        await cluster.kill(port);
        return { port, replica, at };
      })();
      const serving = killed.then(async ({ replica, at }) => {
        await untilMaster(replica);
        log(`soak: replica :${replica} is master after ${((Date.now() - at) / 1000).toFixed(1)} s`);
      });
      const back = killed.then(async ({ port }) => {
        await sleep(MASTER_DOWN_MS);
        await cluster.restart(port);
        log(`soak: Redis node :${port} started again (a replica now)`);
      });
      return { serving, back };
    },
    async readStrings(pattern) {
      const found = new Map<string, string>();
      for (const master of (await client.get()).nodes('master')) await scanInto(master, pattern, found);
      return found;
    },
    streamLength: async (key) => (await client.get()).xlen(key),
    async stop() {
      client.close();
      await cluster.stop();
    },
  };
}

async function startSingle(): Promise<SoakRedis> {
  const server = await startPrivateRedis({ keepData: true });
  const client = reader(() => new Redis(server.url));
  return {
    description: `one Redis (:${server.port}, append-only file fsynced on every write)`,
    env: { REDIS_URL: server.url },
    crash(log, when) {
      const back = (async () => {
        log(`soak: killing Redis :${server.port} (SIGKILL) ${when}; back in ${SINGLE_DOWN_MS} ms with its data`);
        await server.stop();
        await sleep(SINGLE_DOWN_MS);
        await server.start();
        log(`soak: Redis :${server.port} started again`);
      })();
      return { serving: back, back };
    },
    async readStrings(pattern) {
      const found = new Map<string, string>();
      await scanInto(await client.get(), pattern, found);
      return found;
    },
    streamLength: async (key) => (await client.get()).xlen(key),
    async stop() {
      client.close();
      await server.stop();
    },
  };
}

/** The port of the node that replicates the master on port. */
async function replicaOf(ports: number[], master: number): Promise<number> {
  for (const port of ports) {
    const role = (await oneCommand(port, (redis) => redis.role()).catch(() => null)) as unknown[] | null;
    if (role?.[0] === 'slave' && Number(role[2]) === master) return port;
  }
  throw new Error(`no replica of :${master}`);
}

/** Waits until the node on port says it is a master (a replica promoted by the failover). */
async function untilMaster(port: number): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const role = (await oneCommand(port, (redis) => redis.role()).catch(() => null)) as unknown[] | null;
    if (role?.[0] === 'master') return;
    await sleep(50);
  }
  throw new Error(`:${port} did not become master within 30 s`);
}

async function oneCommand<T>(port: number, command: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await command(redis);
  } finally {
    redis.disconnect();
  }
}

async function scanInto(server: Redis, pattern: string, found: Map<string, string>): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const value = await server.get(key);
      if (value !== null) found.set(key, value);
    }
  } while (cursor !== '0');
}
