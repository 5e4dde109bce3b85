// The stores every part of Kefu shares: in memory (capped) by default, in Redis when redis.url or
// redis.clusterNodes or redis.sentinel.nodes is set.

import type { KefuConfig } from '../config/config-types.ts';
import type { BuyerTagStore } from '../dialogs/buyers/buyer-tags.ts';
import type { ProofAttempts } from '../dialogs/commerce/order-proof.ts';
import type { ConversationLine, DeliveryLedger, Logger, SessionStore, TurnStore } from '../dialogs/ports.ts';
import type { MemoryStoreStats } from '../adapters/stores/memory/expiring-map.ts';
import { MemoryBuyerTagStore } from '../adapters/stores/memory/memory-buyer-tag-store.ts';
import { MemoryConversationLine } from '../adapters/stores/memory/memory-conversation-line.ts';
import { MemoryDeliveryLedger } from '../adapters/stores/memory/memory-delivery-ledger.ts';
import { MemoryProofAttempts } from '../adapters/stores/memory/memory-proof-attempts.ts';
import { MemoryPushMailbox } from '../adapters/stores/memory/memory-push-mailbox.ts';
import { MemorySessionStore } from '../adapters/stores/memory/memory-session-store.ts';
import { MemoryTurnLedger } from '../adapters/stores/memory/memory-turn-ledger.ts';
import type { PushMailbox } from '../adapters/stores/push-mailbox.ts';
import { connectRedis, hasRedis, waitForRedisReady, type RedisClient } from '../adapters/stores/redis/redis-connection.ts';
import { RedisBuyerTagStore } from '../adapters/stores/redis/redis-buyer-tag-store.ts';
import { RedisConversationLine } from '../adapters/stores/redis/redis-conversation-line.ts';
import { RedisDeliveryLedger } from '../adapters/stores/redis/redis-delivery-ledger.ts';
import { RedisProofAttempts } from '../adapters/stores/redis/redis-proof-attempts.ts';
import { RedisPushMailbox } from '../adapters/stores/redis/redis-push-mailbox.ts';
import { RedisSessionStore } from '../adapters/stores/redis/redis-session-store.ts';
import { RedisTurnStore } from '../adapters/stores/redis/redis-turn-store.ts';
import { ProcessHeartbeat } from '../adapters/stores/redis/process-heartbeat.ts';
import { SteppedTurnStore } from '../adapters/stores/stepped-turn-store.ts';

export interface Stores {
  sessions: SessionStore;
  line: ConversationLine;
  ledger: DeliveryLedger;
  /** Buyers' turns: claimed, lined up, loaded, committed with the session (two Lua scripts on Redis). */
  turns: TurnStore;
  mailbox: PushMailbox;
  proofAttempts: ProofAttempts;
  /** Buyers' tag signals (docs/buyer-tags.md). */
  buyerTags: BuyerTagStore;
  /** The Redis client the stores share (null in memory); the web chat's rate limits count there too. */
  redis: RedisClient | null;
  /** The memory stores by name, to show how full they are in /metrics (empty on Redis). */
  memoryStores: Record<string, { readonly stats: MemoryStoreStats }>;
  close(): Promise<void>;
}

export async function createStores(config: KefuConfig, logger: Logger): Promise<Stores> {
  const { conversations, sessions } = config;
  if (!hasRedis(config.redis)) {
    // Capped, oldest first out: a flood of new conversations cannot grow the heap without bound.
    const cap = sessions.memoryMaxConversations;
    const memorySessions = new MemorySessionStore({ maxEntries: cap });
    const ledger = new MemoryDeliveryLedger({ maxEntries: cap * 10 });
    const turnLedger = new MemoryTurnLedger({ sessions: memorySessions, maxEntries: cap * 10 });
    const mailbox = new MemoryPushMailbox({ keepSeconds: sessions.ttlSeconds, logger, maxEntries: cap });
    const line = new MemoryConversationLine({ waitMs: conversations.lineWaitMs, leaseMs: conversations.leaseMs });
    return {
      sessions: memorySessions,
      line,
      ledger,
      turns: new SteppedTurnStore({ ledger: turnLedger, line, sessions: memorySessions }),
      mailbox,
      proofAttempts: new MemoryProofAttempts({ maxKeys: cap }),
      buyerTags: new MemoryBuyerTagStore({ maxBuyers: cap }),
      redis: null,
      memoryStores: { sessions: memorySessions, delivery_ledger: ledger, turn_ledger: turnLedger, push_mailbox: mailbox },
      close: async () => {},
    };
  }
  const client: RedisClient = connectRedis(config.redis, { logger });
  await waitForRedisReady(client);
  const prefix = sessions.keyPrefix;
  const mailbox = new RedisPushMailbox({ client, prefix, keepSeconds: sessions.ttlSeconds, logger });
  // Claims and line turns carry this process's id; a process that finds them held by one whose
  // heartbeat stopped takes them over at once (process-heartbeat.ts), not a lease later.
  const heartbeat = new ProcessHeartbeat({ client, prefix, logger });
  await heartbeat.start();
  const line = new RedisConversationLine({ client, prefix, waitMs: conversations.lineWaitMs, leaseMs: conversations.leaseMs, logger, liveness: heartbeat });
  return {
    sessions: new RedisSessionStore({ client, prefix }),
    line,
    ledger: new RedisDeliveryLedger({ client, prefix }),
    turns: new RedisTurnStore({ client, line, logger }),
    mailbox,
    proofAttempts: new RedisProofAttempts({ client, prefix }),
    buyerTags: new RedisBuyerTagStore({ client, prefix }),
    redis: client,
    memoryStores: {},
    close: async () => {
      await mailbox.close();
      await heartbeat.stop();
      client.disconnect();
    },
  };
}
