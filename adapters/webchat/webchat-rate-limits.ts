// Abuse limits for the web chat: requests per client address (messages and event streams) and
// messages per conversation, each per window, through @fastify/rate-limit. Past a limit the answer
// is 429 with Retry-After (the page waits that long and sends the same message again). With Redis
// the counts live there, so every Kefu process shares them; if Redis cannot be reached the limits
// are skipped rather than failing the request: the message itself then gets the usual 503.

import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RedisClient } from '../stores/redis/redis-connection.ts';

export interface WebchatRateLimitSettings {
  perAddress: number;
  perConversation: number;
  windowSeconds: number;
  /** Shared counts (keys `<prefix>rate-limit-…`); null keeps them in this process. */
  redis: RedisClient | null;
  prefix: string;
}

/** A hook that counts a request under a key and refuses it past the limit. */
type LimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface WebchatLimits {
  /** Counts the request against the client's address (an onRequest hook). */
  perAddress: LimitHook;
  /**
   * Counts a message against the client's address and its conversation (called by the message
   * route itself, with the body read, so both counts go to Redis in the same round trip as the
   * turn's start: webchat-routes.ts).
   */
  perMessage: LimitHook;
}

/** An error the server's error handler answers as 429 with this message. */
export class TooManyRequests extends Error {
  readonly statusCode = 429;
}

export async function registerWebchatRateLimits(app: FastifyInstance, settings: WebchatRateLimitSettings): Promise<WebchatLimits> {
  await app.register(rateLimit, {
    global: false,
    ...(settings.redis ? { redis: settings.redis, nameSpace: `${settings.prefix}rate-limit-` } : {}),
    skipOnError: true,
  });
  const timeWindow = settings.windowSeconds * 1000;
  // The plugin's own route hook runs once per request, so two limits on one route count through
  // createRateLimit (it only counts) and answer here.
  const limitBy = (max: number, keyOf: (request: FastifyRequest) => string): LimitHook => {
    const count = app.createRateLimit({ max, timeWindow, keyGenerator: keyOf });
    return async (request, reply) => {
      const counted = await count(request);
      if (counted.isAllowed || !counted.isExceeded) return;
      const seconds = Math.max(1, counted.ttlInSeconds);
      reply.header('retry-after', String(seconds));
      throw new TooManyRequests(`too many requests; retry the same message in ${seconds} s`);
    };
  };
  const perAddress = limitBy(settings.perAddress, (request) => `address:${request.ip}`);
  const perConversation = limitBy(settings.perConversation, (request) => `conversation:${(request.body as { conversationId?: string } | undefined)?.conversationId ?? ''}`);
  return {
    perAddress,
    perMessage: async (request, reply) => {
      await Promise.all([perAddress(request, reply), perConversation(request, reply)]);
    },
  };
}
