// Redis clients configured for a server that must stay responsive when Redis does not.
// ioredis by default queues commands while disconnected and retries each one 20 times, so a Redis
// outage turns into requests that hang and memory that piles up. Here a command fails at once while
// Redis is unreachable (the platform gets an error and retries its delivery later), a command already
// sent fails after at most one reconnect attempt or commandTimeoutMs, and the client keeps
// reconnecting by itself with capped backoff, so service resumes as soon as Redis is back.

import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from '../../../dialogs/ports.ts';

export interface RedisClientOptions {
  /** Shown by CLIENT LIST, to tell Kefu's connections apart. Default "kefu". */
  connectionName?: string;
  /** A command without a reply after this long fails (a hung server or a silent network). Default 5000. */
  commandTimeoutMs?: number;
  /** Longest pause between reconnect attempts. Default 2000. */
  maxBackoffMs?: number;
  /** Where connection trouble is reported; without it ioredis prints unhandled errors to the console. */
  logger?: Logger;
  /** Any other ioredis option; these win over the defaults above. */
  redisOptions?: RedisOptions;
}

/**
 * What the stores take: one Redis, or a Redis Cluster (ioredis routes each command to the node that
 * owns its key's slot and follows MOVED/ASK redirections and failovers by itself).
 */
export type RedisClient = Redis | Cluster;

/** Where Redis is: one server's URL, or some nodes of a Redis Cluster (which wins when given). */
export interface RedisTarget {
  url: string | null;
  clusterNodes?: readonly string[];
}

/** True when the target names a Redis (single or Cluster); false runs on in-memory stores. */
export function hasRedis(target: RedisTarget): boolean {
  return (target.clusterNodes?.length ?? 0) > 0 || Boolean(target.url);
}

/** A client for the target: a Cluster client when cluster nodes are given, else one Redis. */
export function connectRedis(target: RedisTarget, options: RedisClientOptions = {}): RedisClient {
  if (target.clusterNodes && target.clusterNodes.length > 0) return createRedisCluster(target.clusterNodes, options);
  if (!target.url) throw new RangeError('no Redis configured (redis.url or redis.clusterNodes)');
  return createRedisClient(target.url, options);
}

/** The first pause between reconnect attempts; it doubles up to maxBackoffMs. */
const FIRST_BACKOFF_MS = 50;

export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  checkRedisUrl(url);
  const maxBackoffMs = options.maxBackoffMs ?? 2000;
  const client = new Redis(url, {
    connectionName: options.connectionName ?? 'kefu',
    enableOfflineQueue: false,
    // Commands made in one turn of the event loop leave in one write (ioredis's auto-pipelining): a
    // message's rate-limit counts and its turn's first script share a round trip, and under load the
    // commands of many messages share a socket write (the writes were a fifth of a busy server's CPU).
    enableAutoPipelining: true,
    // Commands in flight when the connection drops get one reconnect attempt, then fail.
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 5000,
    connectTimeout: 5000,
    // Never give up: a server outlives Redis restarts and failovers.
    retryStrategy: (attempt) => Math.min(FIRST_BACKOFF_MS * 2 ** Math.min(attempt - 1, 16), maxBackoffMs),
    ...options.redisOptions,
  });
  if (options.logger) reportConnectionTrouble(client, options.logger);
  return client;
}

/**
 * A client for a Redis Cluster, given some of its nodes as redis:// URLs (the rest are discovered).
 * Same fail-fast settings as createRedisClient, on every node connection. Every key of one
 * conversation carries its hash tag (redis-keys.ts), so each script runs on one node.
 */
export function createRedisCluster(nodeUrls: readonly string[], options: RedisClientOptions = {}): Cluster {
  if (!Array.isArray(nodeUrls) || nodeUrls.length === 0) throw new RangeError('Redis Cluster needs at least one node URL');
  const nodes = nodeUrls.map((url) => {
    checkRedisUrl(url);
    const parsed = new URL(url);
    return { host: parsed.hostname, port: Number(parsed.port || 6379) };
  });
  const first = new URL(nodeUrls[0]!);
  const tls = first.protocol === 'rediss:' ? {} : undefined;
  const maxBackoffMs = options.maxBackoffMs ?? 2000;
  const clusterOptions: ClusterOptions = {
    enableOfflineQueue: false,
    // As createRedisClient: one write per node for the commands of one turn of the event loop.
    enableAutoPipelining: true,
    // Reconnecting to the cluster as a whole, like createRedisClient's retryStrategy.
    clusterRetryStrategy: (attempt) => Math.min(FIRST_BACKOFF_MS * 2 ** Math.min(attempt - 1, 16), maxBackoffMs),
    // A failover moves slots: ask the cluster for its map again rather than fail the command.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    redisOptions: {
      connectionName: options.connectionName ?? 'kefu',
      maxRetriesPerRequest: 1,
      commandTimeout: options.commandTimeoutMs ?? 5000,
      connectTimeout: 5000,
      username: first.username ? decodeURIComponent(first.username) : undefined,
      password: first.password ? decodeURIComponent(first.password) : undefined,
      tls,
      ...options.redisOptions,
    },
  };
  const cluster = new Cluster(nodes, clusterOptions);
  if (options.logger) reportConnectionTrouble(cluster, options.logger);
  return cluster;
}

/** True when the client can send commands now (connected and past its ready check). */
export function isRedisReady(client: RedisClient): boolean {
  return client.status === 'ready';
}

/**
 * Resolves once the client is ready, e.g. at startup before the first command (which would fail
 * while connecting, the offline queue being off). Rejects after timeoutMs or when the client is closed.
 */
export async function waitForRedisReady(client: RedisClient, timeoutMs = 10_000): Promise<void> {
  await waitForReadyEvent(client, timeoutMs);
  if (client instanceof Cluster) await connectEveryNode(client);
}

/**
 * A Cluster client opens its node connections lazily, at the first command for a node. With the
 * offline queue off, commands sent while that connection is still opening are refused and retried
 * by ioredis after the others, so a burst could reach Redis out of order (a conversation's line
 * takes tickets in the order Redis sees them). Opening every node's connection up front avoids it.
 */
async function connectEveryNode(cluster: Cluster): Promise<void> {
  await Promise.all(
    cluster.nodes('all').map(async (node) => {
      if (node.status === 'wait') await node.connect();
      if (node.status !== 'ready') await waitForReadyEvent(node, 5000);
    }),
  );
}

function waitForReadyEvent(client: RedisClient, timeoutMs: number): Promise<void> {
  if (isRedisReady(client)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      if (error) reject(error);
      else resolve();
    };
    const onReady = (): void => done();
    const onEnd = (): void => done(new Error('Redis client was closed before it became ready'));
    const timer = setTimeout(() => done(new Error(`Redis not ready within ${timeoutMs} ms`)), timeoutMs);
    client.on('ready', onReady);
    client.on('end', onEnd);
  });
}

function checkRedisUrl(url: unknown): void {
  if (typeof url !== 'string') throw new TypeError('Redis URL must be a string');
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new RangeError('Redis URL is not a valid URL (expected redis://host:port)');
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new RangeError(`Redis URL must start with redis:// or rediss://, not ${protocol}//`);
  }
}

/** Logs an outage once when it starts and once when it ends, not at every reconnect attempt. */
function reportConnectionTrouble(client: RedisClient, logger: Logger): void {
  let down = false;
  client.on('error', (error: Error) => {
    if (down) {
      logger.debug({ err: error }, 'Redis still unreachable');
      return;
    }
    down = true;
    logger.error({ err: error }, 'Redis connection failed; commands fail until it is back');
  });
  client.on('ready', () => {
    if (down) logger.info('Redis connection is back');
    down = false;
  });
}
