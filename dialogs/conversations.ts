// The core's front door: every channel hands a buyer's message to `receive`, which makes the
// turn safe to run on many server processes at once:
//   claim the platform's message id (a redelivery is answered from the ledger, not run twice) →
//   take the conversation's place in line (one message at a time, arrival order) →
//   load the session → run the engine → open the hand-off / relay to the agent → save → record.
// Any failure gives the claim back and rethrows, so the channel reports an error and the
// platform retries: a message is never silently dropped.

import { Engine } from './engine/engine.ts';
import { isSession, type Session } from './engine/session.ts';
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

/** The same message id is being handled right now (a platform retried quickly): retry later. */
export class DeliveryInProgressError extends Error {
  constructor(messageId: string) {
    super(`message ${messageId} is being handled; retry later`);
    this.name = 'DeliveryInProgressError';
  }
}

export function conversationKey(conversation: ConversationRef): string {
  return `${conversation.channel}:${conversation.conversationId}`;
}

export class ConversationService {
  constructor(private readonly options: ConversationServiceOptions) {}

  async receive(message: InboundMessage): Promise<ReceiveResult> {
    const { ledger, line } = this.options;
    const messageKey = `${message.conversation.channel}:${message.id}`;
    const claim = await ledger.claim(messageKey, this.options.claimSeconds);
    if (claim.status === 'done') return { replies: JSON.parse(claim.result) as Reply[], duplicate: true };
    if (claim.status === 'in_progress') throw new DeliveryInProgressError(message.id);
    try {
      const replies = await line.run(conversationKey(message.conversation), () => this.runTurn(message));
      await ledger.complete(messageKey, JSON.stringify(replies), this.options.dedupeSeconds);
      return { replies, duplicate: false };
    } catch (error) {
      await ledger.release(messageKey).catch((releaseError: Error) =>
        this.options.logger.warn({ err: releaseError.message }, 'could not release message claim; it lapses by itself'),
      );
      throw error;
    }
  }

  private async runTurn(message: InboundMessage): Promise<Reply[]> {
    const { sessions, agentDesk, engine, logger } = this.options;
    const key = conversationKey(message.conversation);
    const stored = await sessions.load<unknown>(key);
    let session: Session | null = null;
    if (stored !== null && isSession(stored)) session = stored;
    else if (stored !== null) logger.warn({ conversation: conversationKey(message.conversation) }, 'unreadable session replaced');

    const wasHandedOff = Boolean(session?.handoff);
    const outcome = await engine.handle(session, message);
    if (outcome.handoff) await agentDesk.openHandoff(outcome.handoff);
    if (outcome.relay) await agentDesk.relayBuyerMessage(message.conversation, message.text || message.payload || '', message.receivedAt);
    if (wasHandedOff && !outcome.session.handoff) await agentDesk.buyerReturnedToBot?.(message.conversation, message.receivedAt);
    await sessions.save(key, outcome.session, this.options.sessionTtlSeconds);
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
    const key = conversationKey(conversation);
    await this.options.line.run(conversationKey(conversation), async () => {
      const stored = await this.options.sessions.load<unknown>(key);
      if (stored !== null && isSession(stored)) {
        for (const reply of replies) stored.turns.push({ from, text: reply.text, at });
        stored.turns.splice(0, Math.max(0, stored.turns.length - this.options.lastTurns));
        await this.options.sessions.save(key, stored, this.options.sessionTtlSeconds);
      }
      await channel.send(conversation, replies);
    });
  }
}
