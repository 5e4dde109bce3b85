// Small tools for the store contract tests: a clock that tests move by hand, a way to let time pass
// for Redis keys without sleeping, and a promise that a test settles when it chooses.

import type { RedisClient } from '../../adapters/stores/redis/redis-connection.ts';
import type { Clock } from '../../dialogs/ports.ts';
import { keysWithPrefix } from './redis-server.ts';

export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function manualClock(start = Date.UTC(2025, 0, 1)): ManualClock {
  let now = start;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
  };
}

/**
 * Lets `seconds` pass for every key under prefix, as Redis sees it: a key whose TTL is shorter is
 * deleted, the others get their TTL shortened by that much. A key without a TTL stays, so a store
 * that forgot to set one fails the expiry tests as it should.
 */
export async function elapseRedisTtls(client: RedisClient, prefix: string, seconds: number): Promise<void> {
  const elapsedMs = seconds * 1000;
  for (const key of await keysWithPrefix(client, prefix)) {
    const pttl = await client.pttl(key);
    if (pttl < 0) continue;
    if (pttl <= elapsedMs) await client.del(key);
    else await client.pexpire(key, pttl - elapsedMs);
  }
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
