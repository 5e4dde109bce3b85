// The production SessionStore: one Redis string per session, JSON text with a TTL (GET / SET EX),
// under "<prefix>session:{<key>}" (redis-keys.ts). Any process can load what another saved.

import type { RedisClient } from './redis-connection.ts';
import { sessionKey } from './redis-keys.ts';
import type { SessionStore } from '../../../dialogs/ports.ts';
import { checkStoreKey, sessionJson, ttlWholeSeconds } from '../store-input.ts';

export interface RedisSessionStoreOptions {
  client: RedisClient;
  /** Start of every key this store writes. Default "kefu:". */
  prefix?: string;
}

export class RedisSessionStore implements SessionStore {
  private readonly client: RedisClient;
  private readonly prefix: string;

  constructor(options: RedisSessionStoreOptions) {
    this.client = options.client;
    this.prefix = options.prefix ?? 'kefu:';
  }

  async load<T>(key: string): Promise<T | null> {
    checkStoreKey(key);
    const json = await this.client.get(sessionKey(this.prefix, key));
    if (json === null) return null;
    try {
      return JSON.parse(json) as T;
    } catch {
      // Only something other than this store can have written it; a fresh session beats a stuck buyer.
      return null;
    }
  }

  async save(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    checkStoreKey(key);
    const seconds = ttlWholeSeconds(ttlSeconds);
    await this.client.set(sessionKey(this.prefix, key), sessionJson(value), 'EX', seconds);
  }

  async delete(key: string): Promise<void> {
    checkStoreKey(key);
    await this.client.del(sessionKey(this.prefix, key));
  }
}
