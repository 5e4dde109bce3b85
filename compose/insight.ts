// Wires the merchant-insight parts for one Kefu process: the store (Redis when configured, else
// memory), the recorder behind the event sink (with the log and Prometheus beside it), the
// sentiment scorer the engine uses, and the timer that settles quiet conversations.
// The robot trainer needs the flows' reload, so it is attached once Kefu is composed.

import type { KefuConfig } from '../config/config-types.ts';
import { InsightRecorder } from '../dialogs/insight/insight-recorder.ts';
import type { InsightStore } from '../dialogs/insight/insight-store.ts';
import { scoreSentiment } from '../dialogs/insight/sentiment.ts';
import type { Logger } from '../dialogs/ports.ts';
import type { Insight } from '../adapters/insight/insight.ts';
import { FanOutEventSink } from '../adapters/events/fan-out-event-sink.ts';
import { LogEventSink } from '../adapters/events/log-event-sink.ts';
import { connectRedis, hasRedis, waitForRedisReady, type RedisClient } from '../adapters/stores/redis/redis-connection.ts';
import { MemoryInsightStore } from '../adapters/insight/memory-insight-store.ts';
import { PrometheusMetrics } from '../adapters/insight/prometheus-metrics.ts';
import { RedisInsightStore } from '../adapters/insight/redis-insight-store.ts';


/** How often this process looks for conversations that went quiet. */
const SETTLE_EVERY_MS = 30_000;

export async function createInsight(config: KefuConfig, logger: Logger, knownIntents: () => ReadonlySet<string>): Promise<Insight> {
  let client: RedisClient | null = null;
  let store: InsightStore;
  if (hasRedis(config.redis)) {
    client = connectRedis(config.redis, { logger });
    await waitForRedisReady(client);
    store = new RedisInsightStore({ client, prefix: config.sessions.keyPrefix });
  } else {
    store = new MemoryInsightStore();
  }
  const onRecorded = new Set<() => void>();
  const recorder = new InsightRecorder({
    store,
    logger,
    presaleIntents: config.insight.presaleIntents,
    quietAfterMs: config.insight.quietAfterMinutes * 60_000,
    keepMisunderstood: config.insight.trainer.keepMessages,
    onRecorded: () => onRecorded.forEach((listener) => listener()),
  });
  const metrics = new PrometheusMetrics(knownIntents);
  let settling = false;
  const timer = setInterval(() => {
    if (settling) return;
    settling = true;
    recorder
      .settleQuietConversations(Date.now())
      .catch((error: Error) => logger.warn({ err: error.message }, 'could not settle quiet conversations'))
      .finally(() => (settling = false));
  }, SETTLE_EVERY_MS);
  timer.unref();
  return {
    store,
    recorder,
    metrics,
    sink: new FanOutEventSink([new LogEventSink(logger), recorder, metrics], logger),
    sentiment: { score: scoreSentiment, handoffAtOrBelow: config.insight.sentiment.handoffAtOrBelow, unlessIntents: config.insight.sentiment.unlessIntents },
    trainer: null,
    reminders: null,
    onRecorded,
    channelTokens: new Set(),
    async close() {
      clearInterval(timer);
      await recorder.flush();
      client?.disconnect();
    },
  };
}
