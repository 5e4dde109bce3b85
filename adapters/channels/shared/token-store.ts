// Where a marketplace channel keeps the shop's access and refresh tokens once Kefu has renewed them:
// in Redis when Kefu runs on Redis (every process sees the renewed token; a refresh token works once,
// so a process must never refresh with one another process already used), in memory otherwise.
// The configuration only SEEDS the store: its tokens are used until the first renewal, and again when
// the merchant puts different ones in the configuration (after authorising the app anew).

import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../../stores/redis/redis-connection.ts';

export interface StoredTokens {
  accessToken: string;
  refreshToken?: string;
  /** When the access token stops working (ms since the epoch), when the platform said. */
  accessExpiresAt?: number;
  /** When the refresh token stops working: the end of the shop's authorisation. */
  refreshExpiresAt?: number;
  /** When the platform announced the authorisation ends (Lazada's msg_type 8 alert). */
  authorizationEndsAt?: number;
  /** A fingerprint of the configured tokens these were seeded from (see token-keeper.ts). */
  seed: string;
  /** When they were last renewed (ms), 0 when seeded from the configuration. */
  renewedAt: number;
}

export interface TokenStore {
  read(): Promise<StoredTokens | null>;
  write(tokens: StoredTokens): Promise<void>;
  /** Takes the refresh lock for `ms` unless another process holds it; returns the lock's id, or null. */
  tryLock(ms: number): Promise<string | null>;
  unlock(id: string): Promise<void>;
}

export class MemoryTokenStore implements TokenStore {
  private tokens: StoredTokens | null = null;
  private lock: { id: string; until: number } | null = null;

  async read(): Promise<StoredTokens | null> {
    return this.tokens ? { ...this.tokens } : null;
  }

  async write(tokens: StoredTokens): Promise<void> {
    this.tokens = { ...tokens };
  }

  async tryLock(ms: number): Promise<string | null> {
    if (this.lock && this.lock.until > Date.now()) return null;
    this.lock = { id: randomUUID(), until: Date.now() + ms };
    return this.lock.id;
  }

  async unlock(id: string): Promise<void> {
    if (this.lock?.id === id) this.lock = null;
  }
}

/** Deletes the lock only when it is still ours (it may have expired and been taken by another process). */
const UNLOCK = 'if redis.call(\'GET\', KEYS[1]) == ARGV[1] then return redis.call(\'DEL\', KEYS[1]) end return 0';

export class RedisTokenStore implements TokenStore {
  private readonly key: string;

  constructor(
    private readonly client: RedisClient,
    prefix: string,
    channel: string,
  ) {
    this.key = `${prefix}channel:${channel}:tokens`;
  }

  async read(): Promise<StoredTokens | null> {
    const stored = await this.client.get(this.key);
    if (!stored) return null;
    try {
      const parsed = JSON.parse(stored) as StoredTokens;
      return typeof parsed.accessToken === 'string' ? parsed : null;
    } catch {
      return null;
    }
  }

  async write(tokens: StoredTokens): Promise<void> {
    await this.client.set(this.key, JSON.stringify(tokens));
  }

  async tryLock(ms: number): Promise<string | null> {
    const id = randomUUID();
    return (await this.client.set(`${this.key}:lock`, id, 'PX', ms, 'NX')) === 'OK' ? id : null;
  }

  async unlock(id: string): Promise<void> {
    await this.client.eval(UNLOCK, 1, `${this.key}:lock`, id);
  }
}
