// The embedded SessionStore: sessions live in this process and expire by the injected clock.
// Values are kept as JSON text, exactly as the Redis store keeps them, so a session loaded here is a
// fresh copy (the core cannot mutate a stored session by accident) and anything that would not
// survive Redis (a Date, a Map, undefined fields) fails or changes here too, in development.

import { systemClock, type Clock, type SessionStore } from '../../../dialogs/ports.ts';
import { checkStoreKey, sessionJson, ttlWholeSeconds } from '../store-input.ts';
import { ExpiringMap, type MemoryStoreStats } from './expiring-map.ts';

export interface MemorySessionStoreOptions {
  clock?: Clock;
  /** Most sessions kept; past it the one saved longest ago goes (default: no cap). */
  maxEntries?: number;
}

export class MemorySessionStore implements SessionStore {
  private readonly sessions: ExpiringMap<string>;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.sessions = new ExpiringMap(options.clock ?? systemClock, options.maxEntries);
  }

  get stats(): MemoryStoreStats {
    return this.sessions.stats;
  }

  async load<T>(key: string): Promise<T | null> {
    checkStoreKey(key);
    const json = this.sessions.get(key);
    return json === undefined ? null : (JSON.parse(json) as T);
  }

  async save(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    checkStoreKey(key);
    const seconds = ttlWholeSeconds(ttlSeconds);
    this.sessions.set(key, sessionJson(value), seconds * 1000);
  }

  async delete(key: string): Promise<void> {
    checkStoreKey(key);
    this.sessions.delete(key);
  }
}

