// The core's front door: every channel hands a buyer's message to `receive`, which makes the
// turn safe to run on many server processes at once:
//   claim the platform's message id (a redelivery is answered from the ledger, not run twice) →
//   take the conversation's place in line (one message at a time, arrival order) →
//   load the session → run the engine → open the hand-off / relay to the agent → save → record.
// Any failure gives the claim back and rethrows, so the channel reports an error and the
// platform retries: a message is never silently dropped.

import { ConversationSessions, conversationKey } from './conversation-sessions.ts';
import { Engine } from './engine/engine.ts';
import { handleOnce, type HandleOnceOptions } from './handle-once.ts';
import type { ConversationRef, InboundMessage, Reply } from './messages.ts';
import type {
  AgentDesk,
  ConversationLine,
  DeliveryLedger,
  EventSink,
  Logger,
  OutboundChannel,
  SessionStore,
} from './ports.ts';

// Moved to their own files; re-exported so channels keep one import for the front door.
export { conversationKey } from './conversation-sessions.ts';
export { DeliveryInProgressError } from './handle-once.ts';

export interface ConversationServiceOptions {
  engine: Engine;
  sessions: SessionStore;
  line: ConversationLine;
  ledger: DeliveryLedger;
  agentDesk: AgentDesk;
  events: EventSink;
  logger: Logger;
  /** Channels that can send replies later (an agent's message, a reminder), by channel name. */
  outbound?: ReadonlyMap<string, OutboundChannel>;
  sessionTtlSeconds: number;
  /** How many turns of transcript a session keeps (for hand-off cards). */
  lastTurns: number;
  dedupeSeconds: number;
  /** How long an unfinished claim blocks a redelivery (a crashed process's claim lapses then). */
  claimSeconds: number;
}

export interface ReceiveResult {
  replies: Reply[];
  /** True when this message id was handled before and the stored answer is repeated. */
  duplicate: boolean;
}

export class ConversationService {
  private readonly sessions: ConversationSessions;
  private readonly once: HandleOnceOptions<Reply[]>;

  constructor(private readonly options: ConversationServiceOptions) {
    const { logger, ledger } = options;
    this.sessions = new ConversationSessions({ store: options.sessions, ttlSeconds: options.sessionTtlSeconds, lastTurns: options.lastTurns, logger });
    this.once = { ledger, logger, claimSeconds: options.claimSeconds, keepSeconds: options.dedupeSeconds, what: 'message' };
  }

  async receive(message: InboundMessage): Promise<ReceiveResult> {
    const messageKey = `${message.conversation.channel}:${message.id}`;
    const { result, duplicate } = await handleOnce(this.once, messageKey, message.id, () =>
      this.options.line.run(conversationKey(message.conversation), () => this.runTurn(message)),
    );
    return { replies: result, duplicate };
  }

  private async runTurn(message: InboundMessage): Promise<Reply[]> {
    const { agentDesk, engine, logger } = this.options;
    const session = await this.sessions.load(message.conversation);
    const wasHandedOff = Boolean(session?.handoff);
    const outcome = await engine.handle(session, message);
    if (outcome.handoff) await agentDesk.openHandoff(outcome.handoff);
    if (outcome.relay) await agentDesk.relayBuyerMessage(message.conversation, message.text || message.payload || '', message.receivedAt);
    if (wasHandedOff && !outcome.session.handoff) await agentDesk.buyerReturnedToBot?.(message.conversation, message.receivedAt);
    await this.sessions.save(message.conversation, outcome.session);
    try {
      this.options.events.record(outcome.event);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'event sink failed');
    }
    return outcome.replies;
  }

  /**
   * Sends replies that answer no request (an agent's message, a reminder) through the buyer's own
   * channel, and writes them into the conversation's transcript, in line with the buyer's messages.
   */
  async sendToBuyer(conversation: ConversationRef, replies: Reply[], from: 'bot' | 'agent', at: number): Promise<void> {
    const channel = this.options.outbound?.get(conversation.channel);
    if (!channel) throw new Error(`channel "${conversation.channel}" cannot send messages later`);
    await this.options.line.run(conversationKey(conversation), async () => {
      await this.sessions.appendTurns(conversation, replies.map((reply) => ({ from, text: reply.text, at })));
      await channel.send(conversation, replies);
    });
  }
}
