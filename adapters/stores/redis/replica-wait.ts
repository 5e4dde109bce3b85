// Acknowledge only what a replica has. Redis replication is asynchronous: a master answers a write
// before its replica has it, and a master that dies in that moment takes the write with it when the
// replica is promoted ("Redis Cluster is not able to guarantee strong consistency … the master
// acknowledges the write before propagating it to its replicas",
// https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#write-safety). Issue
// 13's soak lost a Lazada conversation's last three messages that way (acknowledged to the
// platform, gone after a master failover).
//
// So the writes Kefu acknowledges to someone outside (a marketplace push taken into the inbox, a
// turn's committed answer, a marketplace send marked pending before its call) are followed, on a
// Redis Cluster, by `WAIT 1 <timeoutMs>` on the same connection, sent in the same pipeline (one
// write, so no extra round trip, but the reply waits for the replica's acknowledgement). WAIT "blocks
// the current client until all the previous write commands are successfully transferred and
// acknowledged by at least the number of replicas you specify" and returns how many did
// (https://redis.io/docs/latest/commands/wait/). It "does not make Redis a strongly consistent store"
// but "in the context of Sentinel or Redis Cluster failover, WAIT improves the real world data
// safety": a write a replica has is kept when that replica is promoted, and Cluster promotes the
// replica with the most data. With one replica per master, as the shipped shapes have, the replica
// that acknowledged is the one promoted.
//
// WAIT is per connection: it covers every write this connection sent before it, so a write that
// must be covered is made on the same connection just before (the pipeline's node is the key's).
//
// When no replica acknowledges within timeoutMs, the master is asked (INFO replication) whether it
// has a live replica: with none (it was just promoted and its old master has not rejoined, its
// replica is down, or has not acknowledged anything for seconds) there is no up-to-date replica a
// failover could promote, so the write is accepted, and WAIT is skipped on that master (a WAIT there
// would only stall the connection for timeoutMs) until it lists a live replica again (asked once a
// second). With a replica that did not answer in time, the write is not acknowledged:
// NotReplicatedError, which callers turn into the platform's retry answer (the write itself is
// done, and a retry finds it).
//
// On one Redis (no Cluster) nothing is waited for: there is no failover to lose a write to, and its
// append-only file keeps what it answered (docs/scaling.md).

import { Cluster, type ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis-connection.ts';
import { silentLogger, type Logger } from '../../../dialogs/ports.ts';

/** A write the master did but no replica confirmed in time: not to be acknowledged yet. */
export class NotReplicatedError extends Error {
  /** The replies of the commands that were run (on the master) before the WAIT. */
  replies?: unknown[];

  constructor(readonly acknowledgedBy: number) {
    super('the write was not confirmed by a Redis replica in time; not acknowledged, try again');
    this.name = 'NotReplicatedError';
  }
}

export interface ReplicaWaitOptions {
  client: RedisClient;
  /** How long WAIT waits for one replica. Default 500 ms (a replica on a local network answers in well under 1 ms). */
  timeoutMs?: number;
  logger?: Logger;
}

/** How long a master found without replicas is written to without WAIT before it is asked again. */
const NO_REPLICA_RECHECK_MS = 1000;

export class ReplicaWait {
  private readonly cluster: Cluster | null;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  /** Masters (ioredis node keys "host:port") found without replicas, until when. */
  private readonly withoutReplicas = new Map<string, number>();
  /** A question about replicas under way, per master. */
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(options: ReplicaWaitOptions) {
    this.cluster = options.client instanceof Cluster ? options.client : null;
    this.timeoutMs = options.timeoutMs ?? 500;
    this.logger = options.logger ?? silentLogger;
  }

  /** True when writes are confirmed with WAIT (a Redis Cluster client). */
  get enabled(): boolean {
    return this.cluster !== null;
  }

  /**
   * Runs the commands `build` adds to a pipeline (their keys in key's slot), then WAIT on the same
   * connection, in one write; resolves with the commands' replies. Rejects with the first command's
   * error, or with NotReplicatedError (the commands' replies attached as `replies`) when a replica
   * exists but did not confirm. Only for a Cluster client (`enabled`).
   */
  async write(key: string, build: (pipeline: ChainableCommander) => void): Promise<unknown[]> {
    const cluster = this.cluster;
    if (!cluster) throw new Error('ReplicaWait.write needs a Redis Cluster client');
    const master = cluster.slots[slotOf(key)]?.[0];
    const skip = master !== undefined && (await this.knownWithoutReplicas(cluster, master, key));
    const pipeline = cluster.pipeline();
    build(pipeline);
    const count = pipeline.length;
    if (!skip) pipeline.wait(1, this.timeoutMs);
    const results = (await pipeline.exec()) ?? [];
    const replies: unknown[] = [];
    for (const [error, reply] of results.slice(0, count)) {
      if (error) throw error;
      replies.push(reply);
    }
    if (skip) return replies;
    const [waitError, acknowledged] = results[count] ?? [new Error('no reply to WAIT'), 0];
    if (!waitError && Number(acknowledged) >= 1) return replies;
    if (!waitError && !(await this.hasReplicas(cluster, key))) {
      if (master !== undefined) this.withoutReplicas.set(master, Date.now() + NO_REPLICA_RECHECK_MS);
      this.logger.warn({ master }, 'Redis master has no replica: writes taken without a replica\'s confirmation until one is back');
      return replies;
    }
    throw Object.assign(new NotReplicatedError(Number(acknowledged) || 0), { replies });
  }

  /**
   * True while master is known to have no replica: WAIT there would stall the connection for
   * timeoutMs and then say 0. Asked again (INFO replication, no stall) once a second, one question at a time.
   */
  private async knownWithoutReplicas(cluster: Cluster, master: string, key: string): Promise<boolean> {
    const until = this.withoutReplicas.get(master);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    let asking = this.asking.get(master);
    if (!asking) {
      asking = this.hasReplicas(cluster, key)
        .then((has) => {
          if (has) this.withoutReplicas.delete(master);
          else this.withoutReplicas.set(master, Date.now() + NO_REPLICA_RECHECK_MS);
          return !has;
        })
        .finally(() => this.asking.delete(master));
      this.asking.set(master, asking);
    }
    return asking;
  }

  /**
   * Whether the master of key's slot has a replica that is online and acknowledged the replication
   * stream within REPLICA_LAG_SECONDS (INFO replication's "lag", seconds since its last REPLCONF ACK;
   * a replica sends one every second), asked through a pipeline routed by key. A replica that hangs
   * stays listed until Redis drops it (repl-timeout, 60 s by default); counted only while it is
   * recent, so a hung replica stalls writes for seconds, not a minute.
   */
  private async hasReplicas(cluster: Cluster, key: string): Promise<boolean> {
    const results = (await cluster.pipeline().exists(key).info('replication').exec()) ?? [];
    const [error, info] = results[1] ?? [new Error('no reply to INFO'), null];
    if (error || typeof info !== 'string') return true; // unknown: do not acknowledge
    return liveReplicas(info) > 0;
  }
}

/** A replica silent for longer than this is not counted as one a failover could promote. */
const REPLICA_LAG_SECONDS = 3;

/** The replicas INFO replication lists as online with a lag of at most REPLICA_LAG_SECONDS. */
export function liveReplicas(info: string): number {
  let live = 0;
  for (const line of info.split(/\r?\n/)) {
    if (!/^slave\d+:/.test(line)) continue;
    const fields = new Map(line.slice(line.indexOf(':') + 1).split(',').map((pair) => pair.split('=', 2) as [string, string]));
    if (fields.get('state') === 'online' && Number(fields.get('lag') ?? Infinity) <= REPLICA_LAG_SECONDS) live += 1;
  }
  return live;
}

/**
 * The Cluster slot of a key: CRC16 (XMODEM) of its hash tag, or of the whole key when it has none,
 * modulo 16384 (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#key-distribution-model).
 */
export function slotOf(key: string): number {
  const bytes = Buffer.from(key);
  const open = bytes.indexOf(0x7b); // {
  let start = 0;
  let end = bytes.length;
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1); // }
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i += 1) {
    crc ^= bytes[i]! << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}
