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
 * What the stores take: one Redis (given by its URL, or found through Sentinel), or a Redis Cluster
 * (ioredis routes each command to the node that owns its key's slot and follows MOVED/ASK
 * redirections and failovers by itself).
 */
export type RedisClient = Redis | Cluster;

/**
 * A master watched by Redis Sentinel: some of the sentinels (host:port, or redis://[user:password@]host:port
 * when the sentinels ask for a password) and the name of the master group they watch.
 */
export interface RedisSentinelTarget {
  nodes: readonly string[];
  masterName: string | null;
  /** The master's (and its replicas') password, when they ask for one. */
  password?: string;
}

/**
 * Where Redis is: one server's URL, some nodes of a Redis Cluster, or the sentinels watching a
 * master. Cluster or Sentinel wins over url when given; both at once is refused.
 */
export interface RedisTarget {
  url: string | null;
  clusterNodes?: readonly string[];
  sentinel?: RedisSentinelTarget | null;
}

/** True when the target names a Redis (single, Cluster or Sentinel); false runs on in-memory stores. */
export function hasRedis(target: RedisTarget): boolean {
  return (target.clusterNodes?.length ?? 0) > 0 || onSentinel(target) || Boolean(target.url);
}

/** True when the target names sentinels (a master found through Redis Sentinel). */
export function onSentinel(target: RedisTarget): boolean {
  return (target.sentinel?.nodes.length ?? 0) > 0;
}

/** A client for the target: a Cluster client for cluster nodes, a Sentinel-led client for sentinels, else one Redis. */
export function connectRedis(target: RedisTarget, options: RedisClientOptions = {}): RedisClient {
  const cluster = (target.clusterNodes?.length ?? 0) > 0;
  if (cluster && onSentinel(target)) throw new RangeError('Redis Cluster nodes and Sentinel nodes are both given; Kefu runs on one of them');
  if (cluster) return createRedisCluster(target.clusterNodes!, options);
  if (onSentinel(target)) return createRedisSentinelClient(target.sentinel!, options);
  if (!target.url) throw new RangeError('no Redis configured (redis.url, redis.clusterNodes or redis.sentinel.nodes)');
  return createRedisClient(target.url, options);
}

/** The first pause between reconnect attempts; it doubles up to maxBackoffMs. */
const FIRST_BACKOFF_MS = 50;

export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  checkRedisUrl(url);
  const client = new Redis(url, { ...failFastOptions(options), ...options.redisOptions });
  if (options.logger) reportConnectionTrouble(client, options.logger);
  return client;
}

/** The settings every single-server connection shares, on one Redis or through Sentinel. */
function failFastOptions(options: RedisClientOptions): RedisOptions {
  const maxBackoffMs = options.maxBackoffMs ?? 2000;
  return {
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
    retryStrategy: (attempt) => backoff(attempt, maxBackoffMs),
  };
}

/** Pauses between reconnect attempts: FIRST_BACKOFF_MS, doubling, capped at maxBackoffMs. */
function backoff(attempt: number, maxBackoffMs: number): number {
  return Math.min(FIRST_BACKOFF_MS * 2 ** Math.min(attempt - 1, 16), maxBackoffMs);
}

/**
 * A client for the master a group of sentinels watches, with createRedisClient's fail-fast settings.
 * ioredis asks the sentinels where the master is at every (re)connect and checks that the server it
 * reaches is a master ("ioredis guarantees that the node you connected to is always a master even
 * after a failover", https://github.com/redis/ioredis#sentinel). Its README adds that commands sent
 * during a failover are queued: not here, the offline queue is off, so during a failover a command
 * fails at once (the web chat answers 503, the platform retries) instead of hanging, as on one Redis.
 */
export function createRedisSentinelClient(sentinel: RedisSentinelTarget, options: RedisClientOptions = {}): Redis {
  const client = new Redis({ ...failFastOptions(options), ...sentinelOptions(sentinel, options), ...options.redisOptions });
  if (options.logger) reportConnectionTrouble(client, options.logger);
  return client;
}

/**
 * ioredis's Sentinel options for a target (https://github.com/redis/ioredis#sentinel): where the
 * sentinels are, the master group's name, the passwords, and how to follow a failover quickly.
 * Exported for BullMQ's worker, which builds its own blocking connection from options.
 */
export function sentinelOptions(sentinel: RedisSentinelTarget, options: Pick<RedisClientOptions, 'maxBackoffMs'> = {}): RedisOptions {
  if (!Array.isArray(sentinel.nodes) || sentinel.nodes.length === 0) throw new RangeError('Redis Sentinel needs at least one sentinel');
  if (!sentinel.masterName) throw new RangeError('Redis Sentinel needs the name of the master group its sentinels watch');
  const nodes = sentinel.nodes.map(parseSentinelNode);
  const withPassword = nodes.find((node) => node.password !== undefined);
  const maxBackoffMs = options.maxBackoffMs ?? 2000;
  return {
    sentinels: nodes.map(({ host, port }) => ({ host, port })),
    name: sentinel.masterName,
    sentinelUsername: withPassword?.username,
    sentinelPassword: withPassword?.password,
    password: sentinel.password,
    // When every sentinel is unreachable: ask them again from the first, with the same capped backoff
    // as a lost connection (ioredis's default waits 10 ms more each attempt, up to 1 s).
    sentinelRetryStrategy: (attempt) => backoff(attempt, maxBackoffMs),
    // Subscribe to the sentinels' +switch-master and reconnect at once when they promote a replica,
    // rather than notice only when the old master's connection drops (a master demoted while alive,
    // by SENTINEL FAILOVER or a partition that heals, keeps its connections and answers READONLY).
    failoverDetector: true,
    // A write that reaches a demoted master anyway fails with READONLY: reconnect (which asks the
    // sentinels for the master again) and let the command fail, so its caller retries on the new one.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 1 : false),
  };
}

/** "10.0.0.1:26379", "sentinel-a" (port 26379) or "redis://:password@10.0.0.1:26379". */
export function parseSentinelNode(node: string): { host: string; port: number; username?: string; password?: string } {
  if (typeof node !== 'string' || node.trim() === '') throw new RangeError('a sentinel must be host:port or a redis:// URL');
  const text = node.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const url = new URL(text);
    if (url.protocol !== 'redis:') throw new RangeError(`a sentinel URL must start with redis://, not ${url.protocol}//`);
    const port = url.port ? Number(url.port) : SENTINEL_PORT;
    return {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    };
  }
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(text);
  const port = match?.[2] === undefined ? SENTINEL_PORT : Number(match[2]);
  if (match === null || port < 1 || port > 65535) throw new RangeError(`a sentinel must be host:port or a redis:// URL, not "${text}"`);
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

/** Sentinel's own port when a node names none. */
const SENTINEL_PORT = 26379;

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
    clusterRetryStrategy: (attempt) => backoff(attempt, maxBackoffMs),
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
