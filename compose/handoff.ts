// Wires the hand-off core to the configured agent desk (memory, Slack, DingTalk), its scheduler and
// Kefu's own desk view, from the configuration; called from composeKefu.

import { randomUUID } from 'node:crypto';
import type { KefuConfig } from '../config/config-types.ts';
import type { Orders } from '../dialogs/commerce/orders.ts';
import { periodTotals } from '../dialogs/insight/hot-topics.ts';
import type { InsightStore } from '../dialogs/insight/insight-store.ts';
import type { Engine } from '../dialogs/engine/engine.ts';
import { HandoffService, type HandoffServiceOptions } from '../dialogs/handoff/handoff-service.ts';
import type { Scheduler } from '../dialogs/scheduling/scheduler.ts';
import { InProcessScheduler } from '../adapters/schedulers/in-process/in-process-scheduler.ts';
import type { HandoffSettings } from '../dialogs/handoff/handoff-settings.ts';
import type { DegradedPart } from '../dialogs/handoff/desk-health.ts';
import { DeskView } from '../dialogs/handoff/desk-view.ts';
import { systemClock, type Clock, type ConversationLine, type DeliveryLedger, type Logger, type OutboundChannel, type SessionStore } from '../dialogs/ports.ts';
import { maskPersonalData } from '../adapters/logging/mask-personal-data.ts';
import type { DeskAdapter } from '../adapters/agent-desk/desk-adapter.ts';
import type { InMemoryAgentQueue } from '../adapters/agent-desk/in-memory-agent-queue.ts';
import { hasRedis } from '../adapters/stores/redis/redis-connection.ts';

/** The core's hand-off settings from the configuration; throws when the business hours are inside out. */
export function handoffSettings(config: KefuConfig): HandoffSettings {
  const { queues, maskPersonalData: _mask, ...rest } = config.handoff;
  const hours = rest.businessHours;
  if (hours && hours.opens >= hours.closes) {
    throw new Error(`handoff.businessHours: opens (${hours.opens}) must be before closes (${hours.closes}); hours across midnight are not supported`);
  }
  return { ...rest, timezone: config.shop.timezone, routing: queues };
}

/** The desk `agentDesk.kind` names. A desk that is configured but not available stops the start. */
export async function createDeskAdapter(config: KefuConfig, queue: InMemoryAgentQueue, logger: Logger, stores?: { sessions: SessionStore; ledger: DeliveryLedger }): Promise<DeskAdapter> {
  handoffSettings(config); // settings the schema cannot check stop the start here, before anything opens
  const kind = config.agentDesk.kind;
  switch (kind) {
    case 'memory':
      return { desk: queue, start: async () => {}, close: async () => {} };
    case 'slack': {
      // Loaded only when used: Bolt is large, and a shop on another desk never needs it.
      const { createSlackDeskAdapter } = await import('../adapters/agent-desk/slack/create-slack-desk.ts');
      return createSlackDeskAdapter(config.agentDesk.slack!, { noteMarker: config.handoff.noteMarker, resumeFlows: config.handoff.resumeFlows, language: config.agentDesk.language ?? 'en', clock: systemClock, logger });
    }
    case 'dingtalk': {
      if (!stores) throw new Error('the DingTalk desk needs the session store and the delivery ledger');
      const { createDingtalkDeskAdapter } = await import('../adapters/agent-desk/dingtalk/create-dingtalk-desk.ts');
      const settings = config.agentDesk.dingtalk;
      if (!settings) throw new Error('agentDesk.kind is dingtalk but agentDesk.dingtalk is not set');
      const { keepSeconds, noteMarker, resumeFlows } = config.handoff;
      return createDingtalkDeskAdapter(settings, { keepSeconds, noteMarker, resumeFlows, timezone: config.shop.timezone, language: config.agentDesk.language ?? 'en' }, { sessions: stores.sessions, ledger: stores.ledger, clock: systemClock, logger });
    }
    default:
      // Hand-offs must reach a person: never fall back silently to a queue nobody reads.
      logger.error({ kind }, 'agent desk not available');
      throw new Error(`agentDesk.kind "${kind}" is not available in this version of Kefu; use "memory", "slack" or "dingtalk"`);
  }
}

export interface HandoffParts {
  engine: Engine;
  sessions: SessionStore;
  line: ConversationLine;
  ledger: DeliveryLedger;
  outbound: ReadonlyMap<string, OutboundChannel>;
  desk: DeskAdapter;
  clock: Clock;
  logger: Logger;
  /** Runs the wait notices and the posts to a desk that was down (createHandoffScheduler). */
  scheduler: Scheduler;
  /** The buyer's tags for the card. */
  buyerTags?: HandoffServiceOptions['buyerTags'];
  /** Agents' work, for the figures on /admin. */
  onAgentWork?: HandoffServiceOptions['onAgentWork'];
}

/** BullMQ queue of the hand-offs' jobs (beside the payment reminders' own queue). */
export const HANDOFF_QUEUE = 'handoffs';

/**
 * The hand-offs' scheduler: BullMQ on Redis when Redis is configured (jobs survive restarts and run on
 * whichever process is free), else a timer in this process. Start it with the service's runJob.
 */
export async function createHandoffScheduler(config: KefuConfig, logger: Logger): Promise<Scheduler> {
  if (!hasRedis(config.redis)) return new InProcessScheduler({ clock: systemClock, logger });
  const { BullmqScheduler } = await import('../adapters/schedulers/bullmq/bullmq-scheduler.ts');
  const bullmq = new BullmqScheduler({ url: config.redis.url, clusterNodes: config.redis.clusterNodes, sentinel: config.redis.sentinel, prefix: `${config.sessions.keyPrefix}bull`, queueName: HANDOFF_QUEUE, logger });
  try {
    await bullmq.ready();
  } catch (error) {
    await bullmq.close().catch(() => {});
    throw error;
  }
  return bullmq;
}

export function createHandoffService(config: KefuConfig, parts: HandoffParts): HandoffService {
  const { engine } = parts;
  return new HandoffService({
    desk: parts.desk.desk,
    voice: {
      render: (name, conversation, language, vars) => engine.renderResponse(name, conversation, language, vars),
      takeBack: (session, conversation, at, response, resumeFlow) => engine.takeBack(session, conversation, at, response, resumeFlow),
    },
    sessions: parts.sessions,
    line: parts.line,
    ledger: parts.ledger,
    outbound: parts.outbound,
    settings: handoffSettings(config),
    clock: parts.clock,
    logger: parts.logger,
    scheduler: parts.scheduler,
    ...(config.handoff.maskPersonalData ? { maskText: maskPersonalData } : {}),
    ...(parts.buyerTags ? { buyerTags: parts.buyerTags } : {}),
    ...(parts.onAgentWork ? { onAgentWork: parts.onAgentWork } : {}),
    sessionTtlSeconds: config.sessions.ttlSeconds,
    lastTurns: config.conversations.lastTurns,
    dedupeSeconds: config.conversations.dedupeSeconds,
    claimSeconds: Math.ceil(config.conversations.leaseMs / 1000),
  });
}

/** What /healthz reports of the hand-offs: the desk not connected, or its calls failing. */
export function degradedParts(adapter: DeskAdapter, handoffs: HandoffService): DegradedPart[] {
  const parts = [adapter.degraded?.() ?? null, handoffs.health.degraded()].filter((p): p is DegradedPart => p !== null);
  // One line per part: a desk that is both unconnected and failing calls is one problem.
  return parts.filter((p, i) => parts.findIndex((q) => q.part === p.part) === i);
}

/** How many of the most-asked questions' answers the desk offers beside the bot's own suggestion. */
const TOP_FAQS = 3;

/** What Kefu's own desk (/desk) reads and does, over the hand-off core. */
export function createDeskView(
  config: KefuConfig,
  handoffs: HandoffService,
  parts: { sessions: SessionStore; line: ConversationLine; logger: Logger; engine: Engine; orders: Orders; sentiment: (text: string) => number; insight: InsightStore },
): DeskView {
  const { engine, orders } = parts;
  return new DeskView({
    voice: {
      // A dry run of the bot on the buyer's last message, as a guest nobody vouches for (so no
      // order is reached and nothing is changed), from the same product page; nothing is saved.
      async suggest(text, context) {
        const conversation = { channel: 'desk-suggestion', conversationId: `suggest-${randomUUID()}`, buyerId: `suggest-${randomUUID()}`, guest: true as const };
        const outcome = await engine.handle(null, { id: conversation.conversationId, conversation, text, ...(context ? { context } : {}), receivedAt: Date.now() });
        if (outcome.handoff || outcome.event.outcome === 'not_understood' || outcome.replies.length === 0) return null;
        return outcome.replies.map((reply) => reply.text).join('\n');
      },
      canned(conversation, language) {
        return engine.cannedReplies().flatMap((name) => {
          const reply = engine.renderResponse(name, conversation, language);
          return reply ? [{ name, text: reply.text }] : [];
        });
      },
      // The signed buyer's orders as the orders backend has them (the view never asks for a guest's).
      async orders(conversation) {
        const list = await orders.listOrders({ channel: conversation.channel, buyerId: conversation.buyerId });
        return [...list].sort((a, b) => b.createdAt - a.createdAt).map(({ id, status, total, currency, createdAt }) => ({ id, status, total, currency, createdAt }));
      },
      sentiment: parts.sentiment,
      // The fixed answers of the intents buyers asked most in the last day (the dashboard's hot topics).
      async faqs(conversation, language) {
        const { current } = await periodTotals(parts.insight, 'counts', '1d', Date.now(), 'intent:');
        return engine
          .fixedAnswers()
          .filter(({ intent }) => (current.get(intent) ?? 0) > 0)
          .sort((a, b) => (current.get(b.intent) ?? 0) - (current.get(a.intent) ?? 0))
          .slice(0, TOP_FAQS)
          .flatMap(({ response }) => {
            const reply = engine.renderResponse(response, conversation, language);
            return reply ? [{ name: response, text: reply.text }] : [];
          });
      },
    },
    sessions: parts.sessions,
    line: parts.line,
    open: handoffs.open,
    handler: handoffs,
    noteToTeamChat: (record, by, text, at) => handoffs.noteToTeamChat(record, by, text, at),
    teamChatDesk: config.agentDesk.kind === 'memory' ? null : config.agentDesk.kind,
    maskText: config.handoff.maskPersonalData ? maskPersonalData : (text) => text,
    sessionTtlSeconds: config.sessions.ttlSeconds,
    lastTurns: config.conversations.lastTurns,
    keepSeconds: config.handoff.keepSeconds,
    logger: parts.logger,
  });
}
