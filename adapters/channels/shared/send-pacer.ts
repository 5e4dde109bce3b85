// Keeps a channel's sends within the platform's rate limit BEFORE they are made, instead of sending as
// fast as replies come and learning from 429s (which cost a retry, delay the buyer, and on some
// platforms count against the app). Every API call that sends a message takes one slot first; when
// the second's slots are used up it waits until the next one frees.
// The budget is the shop's, not the process's: with Redis it is counted there (rate-limiter-flexible's
// Redis limiter, one atomic script per slot), so N processes together stay within it; without Redis,
// or while Redis is away, it is counted in this process (the library's insurance limiter), so a Redis
// outage slows nothing down and never fails a send.
// The limits per platform and where they come from are in docs/channels.md ("Sending rate").

import type { RedisClient } from '../../stores/redis/redis-connection.ts';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** Takes one send slot, waiting for it when the second's slots are used up. */
export interface SendPacer {
  take(): Promise<void>;
}

export interface SendPacerOptions {
  channel: string;
  /** Message sends allowed per second for the shop. */
  sendsPerSecond: number;
  /** The window the sends are counted in; a second unless a test wants a longer one. */
  windowMs?: number;
  /** Shared counting across processes; absent: counted in this process. */
  redis?: { client: RedisClient; prefix: string };
}

export function createSendPacer(options: SendPacerOptions): SendPacer {
  const points = Math.max(1, Math.floor(options.sendsPerSecond));
  const duration = (options.windowMs ?? 1000) / 1000;
  const local = new RateLimiterMemory({ points, duration });
  const limiter: RateLimiterAbstract = options.redis
    ? new RateLimiterRedis({
      storeClient: options.redis.client,
      keyPrefix: `${options.redis.prefix}channel:${options.channel}:sends`,
      points,
      duration,
      // A Redis that is not connected answers at once from the local count rather than queueing.
      rejectIfRedisNotReady: true,
      insuranceLimiter: local,
    })
    : local;
  return {
    async take(): Promise<void> {
      for (;;) {
        try {
          await limiter.consume(options.channel, 1);
          return;
        } catch (refusal) {
          if (!(refusal instanceof RateLimiterRes)) throw refusal;
          await new Promise((resolve) => setTimeout(resolve, Math.max(1, refusal.msBeforeNext)));
        }
      }
    },
  };
}

/** No pacing: for a sender built outside a channel set-up (tests of one platform's protocol). */
export const UNPACED: SendPacer = { take: async () => {} };

/**
 * Sends per second per shop when the configuration names none. None of the three platforms publishes
 * a per-shop limit for its chat send API on a page we could read (docs/channels.md, "Sending rate"),
 * so this is a conservative figure a merchant with a known quota raises (channels.<name>.sendsPerSecond).
 */
export const DEFAULT_SENDS_PER_SECOND = 10;
