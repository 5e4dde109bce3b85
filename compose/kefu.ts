// What composeKefu hands back: the running parts of one Kefu, for the HTTP routes (buildServer), the
// terminal chat and the tests.

import type { DeskAdapter } from '../adapters/agent-desk/desk-adapter.ts';
import type { InMemoryAgentQueue } from '../adapters/agent-desk/in-memory-agent-queue.ts';
import type { ChannelAdapter } from '../adapters/channels/channel-adapter.ts';
import type { Insight } from '../adapters/insight/insight.ts';
import type { PushMailbox } from '../adapters/stores/push-mailbox.ts';
import type { RedisClient } from '../adapters/stores/redis/redis-connection.ts';
import type { BuyerTagger } from '../dialogs/buyers/buyer-tagger.ts';
import type { ConversationService } from '../dialogs/conversations.ts';
import type { Orders } from '../dialogs/commerce/orders.ts';
import type { FlowSet } from '../dialogs/flows/load-flows.ts';
import type { DegradedPart } from '../dialogs/handoff/desk-health.ts';
import type { HandoffService } from '../dialogs/handoff/handoff-service.ts';
import type { Catalog, Logger, OutboundChannel } from '../dialogs/ports.ts';
import type { DeskParts } from './desk.ts';
import type { PaymentRemindersRuntime } from './payment-reminders.ts';

export interface Kefu {
  conversations: ConversationService;
  /** The in-memory desk (empty unless agentDesk.kind is memory). */
  agentQueue: InMemoryAgentQueue;
  /** The hand-off core: agents' events from any desk go to handoffs.handleAgentEvent. */
  handoffs: HandoffService;
  deskAdapter: DeskAdapter;
  mailbox: PushMailbox;
  /**
   * The channels that can send later (agents' answers, reminders), by name: the web chat and every
   * marketplace channel, all there before the conversation service is made. A host that puts a front
   * of its own before Kefu after composing it (the Botkit bridge) adds that front's road here.
   */
  outbound: Map<string, OutboundChannel>;
  /** Buyer tags (docs/buyer-tags.md): a buyer's tags now, and forgetting a buyer. */
  buyerTags: BuyerTagger;
  /** The marketplace channels turned on, built with Kefu; buildServer mounts their routes and starts them. */
  channels: readonly ChannelAdapter[];
  /** The flow set serving now (replaced on a valid reload). */
  flows(): FlowSet;
  /** Reloads the flow files; keeps the current flows and returns the problems when they are invalid. */
  reloadFlows(): Promise<{ ok: boolean; problems: string[] }>;
  storage: 'memory' | 'redis';
  /** Merchant insight: counters, trainer, metrics (docs/insight.md). */
  insight: Insight;
  /** The shop's orders (as orders.backend chooses, unless composeKefu was given others). */
  orders: Orders;
  /** Payment reminders (null when reminders.enabled is false); see docs/reminders.md. */
  reminders: PaymentRemindersRuntime | null;
  /** The stores' Redis client (null in memory). */
  redis: RedisClient | null;
  /** Kefu's own agent desk (/desk): its view of the hand-offs and the stores it keeps sessions in. */
  desk: DeskParts;
  /** Parts that do not work right now (a desk that cannot be reached), for /healthz. */
  degraded(): DegradedPart[];
  close(): Promise<void>;
}

export interface ComposeOptions {
  logger: Logger;
  catalog?: Catalog;
  orders?: Orders;
}
