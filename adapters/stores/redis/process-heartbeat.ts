// Which Kefu processes are alive. Each process has an owner id and keeps "<prefix>alive:<owner>"
// in Redis, refreshed every `intervalMs` with an expiry of `ttlMs`. Claims and line turns carry
// their owner's id (redis-turn-store.ts, redis-conversation-line.ts), so a process that finds a
// buyer's message or a conversation held by an owner whose key is gone takes it over at once
// instead of waiting out the 30 s lease: issue 13 measured conversations blocked ~30 s after a
// worker was SIGKILLed.
//
// Taking over from a process that is in fact alive (paused longer than ttlMs, or cut off from
// Redis) is safe: its commit is fenced by its claim and its line ticket, so it writes nothing, and
// its caller's retry gets the stored answer. The check is a separate command (the alive key is in
// its own Cluster slot, so a conversation's script cannot read it), made only when something is
// found held.

import { randomBytes } from 'node:crypto';
import type { RedisClient } from './redis-connection.ts';
import { silentLogger, type Logger } from '../../../dialogs/ports.ts';

export interface ProcessHeartbeatOptions {
  client: RedisClient;
  /** Start of the alive keys. Default "kefu:". */
  prefix?: string;
  /** How often the key is refreshed. Default 1000. */
  intervalMs?: number;
  /** How long the key outlives the last refresh: a process silent this long counts as dead. Default 5000. */
  ttlMs?: number;
  logger?: Logger;
}

/** What the stores ask: this process's id, and whether another's is alive. */
export interface Liveness {
  readonly owner: string;
  isAlive(owner: string): Promise<boolean>;
}

/** An owner id: letters and digits only, so it can be read back out of "<owner>.<token>". */
export function newOwnerId(): string {
  return randomBytes(8).toString('hex');
}

export class ProcessHeartbeat implements Liveness {
  readonly owner = newOwnerId();
  private readonly client: RedisClient;
  private readonly prefix: string;
  private readonly intervalMs: number;
  private readonly ttlMs: number;
  private readonly logger: Logger;
  private timer: ReturnType<typeof setInterval> | null = null;
  private failing = false;

  constructor(options: ProcessHeartbeatOptions) {
    this.client = options.client;
    this.prefix = options.prefix ?? 'kefu:';
    this.intervalMs = options.intervalMs ?? 1000;
    this.ttlMs = options.ttlMs ?? 5000;
    if (!(this.ttlMs >= 2 * this.intervalMs)) throw new RangeError('ttlMs must be at least twice intervalMs');
    this.logger = options.logger ?? silentLogger;
  }

  private key(owner: string): string {
    return `${this.prefix}alive:${owner}`;
  }

  /** Writes the first beat (so nothing this process claims looks ownerless), then keeps beating. */
  async start(): Promise<void> {
    await this.beat();
    this.timer ??= setInterval(() => void this.beat().catch(() => {}), this.intervalMs);
    this.timer.unref?.();
  }

  /** Stops beating and deletes the key: on a clean stop, whatever this process still held is free at once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.client.del(this.key(this.owner)).catch(() => {});
  }

  private async beat(): Promise<void> {
    try {
      await this.client.set(this.key(this.owner), '1', 'PX', this.ttlMs);
      if (this.failing) this.logger.info('heartbeat written again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn({ err: (error as Error).message }, 'could not write the heartbeat; other processes may take over this one\'s turns (they are fenced)');
      this.failing = true;
      throw error;
    }
  }

  /** False only when Redis says the owner's key is gone; an owner that cannot be checked counts as alive (its lease still applies). */
  async isAlive(owner: string): Promise<boolean> {
    if (owner === this.owner) return true;
    if (!/^[0-9a-f]{16}$/.test(owner)) return true;
    try {
      return (await this.client.exists(this.key(owner))) === 1;
    } catch {
      return true;
    }
  }
}
