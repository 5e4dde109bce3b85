// The core's front door: every channel hands a buyer's message to `receive`, which makes the
// turn safe to run on many server processes at once:
//   claim the platform's message id (a redelivery is answered from the turn ledger, not run twice) →
//   take the conversation's place in line (one message at a time, arrival order) →
//   load the session → run the engine → open the hand-off / relay to the agent →
//   commit the session and the answer together, fenced by the claim → record the turn for insight.
// Any failure gives the claim back and rethrows, so the channel reports an error and the
// platform retries: a message is never silently dropped. A process whose claim lapsed while it
// worked (another took the message) commits nothing and answers "retry", so its retry gets the
// other's stored answer: a message is never answered twice with two different turns.
// (Deliveries without a session, such as desk events and order events, use handle-once.ts.)

import { ConversationSessions, conversationKey } from './conversation-sessions.ts';
import { Engine } from './engine/engine.ts';
import { newSession, type Session } from './engine/session.ts';
import { DeliveryInProgressError } from './handle-once.ts';
import type { ConversationRef, InboundMessage, Language, MessageContext, Reply } from './messages.ts';
import type {
  AgentDesk,
  ConversationLine,
  EventSink,
  Logger,
  OutboundChannel,
  SessionStore,
  TurnLedger,
} from './ports.ts';

// Moved to their own files; re-exported so channels keep one import for the front door.
export { conversationKey } from './conversation-sessions.ts';
export { DeliveryInProgressError } from './handle-once.ts';

export interface ConversationServiceOptions {
  engine: Engine;
  sessions: SessionStore;
  line: ConversationLine;
  /** Claims buyers' messages and commits each turn's session with its answer. */
  turns: TurnLedger;
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
  /** The language of the bot's words to a buyer who has not written yet (`shop.language`). */
  firstLanguage?: Language;
}

export interface ReceiveResult {
  replies: Reply[];
  /** True when this message id was handled before and the stored answer is repeated. */
  duplicate: boolean;
}

export class ConversationService {
  private readonly sessions: ConversationSessions;

  constructor(private readonly options: ConversationServiceOptions) {
    this.sessions = new ConversationSessions({ store: options.sessions, ttlSeconds: options.sessionTtlSeconds, lastTurns: options.lastTurns, logger: options.logger });
  }

  async receive(message: InboundMessage): Promise<ReceiveResult> {
    const { turns, logger } = this.options;
    const key = conversationKey(message.conversation);
    const claim = await turns.claim(key, message.id, this.options.claimSeconds);
    if (claim.status === 'done') return { replies: JSON.parse(claim.result) as Reply[], duplicate: true };
    if (claim.status === 'in_progress') throw new DeliveryInProgressError(message.id);
    try {
      const replies = await this.options.line.run(key, () => this.runTurn(message, claim.token));
      return { replies, duplicate: false };
    } catch (error) {
      await turns.release(key, message.id, claim.token).catch((releaseError: Error) =>
        logger.warn({ err: releaseError.message }, 'could not release message claim; it lapses by itself'),
      );
      throw error;
    }
  }

  private async runTurn(message: InboundMessage, token: string): Promise<Reply[]> {
    const { agentDesk, engine, logger } = this.options;
    const session = (await this.sessions.load(message.conversation)) ?? (await this.resumedHandoff(message));
    const wasHandedOff = Boolean(session?.handoff);
    const outcome = await engine.handle(session, message);
    if (outcome.handoff) await agentDesk.openHandoff(outcome.handoff);
    if (outcome.relay) await agentDesk.relayBuyerMessage(message.conversation, message.text || message.payload || '', message.receivedAt);
    if (wasHandedOff && !outcome.session.handoff) await agentDesk.buyerReturnedToBot?.(message.conversation, message.receivedAt);
    // Inside the conversation's line: the next message of this conversation reads this session.
    const committed = await this.options.turns.commit({
      conversationKey: conversationKey(message.conversation),
      messageId: message.id,
      token,
      session: outcome.session,
      sessionTtlSeconds: this.options.sessionTtlSeconds,
      result: JSON.stringify(outcome.replies),
      keepSeconds: this.options.dedupeSeconds,
    });
    if (!committed) {
      logger.warn({ conversation: conversationKey(message.conversation), message: message.id }, 'message claim lapsed while its turn ran; nothing committed, the retry gets the stored answer');
      throw new DeliveryInProgressError(message.id);
    }
    try {
      this.options.events.record(outcome.event);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'event sink failed');
    }
    return outcome.replies;
  }

  /**
   * The question chips of the page a card stands for (a product card: the product page's; an order
   * card: the order page's), as one reply whose buttons a marketplace shows as numbered options; in
   * the conversation's language, or the shop's first language for a buyer who has not written yet.
   * Null when that page has no chips.
   */
  async chipsForCard(conversation: ConversationRef, context: MessageContext): Promise<Reply | null> {
    const page = context.productId ? 'product' : context.orderId ? 'order' : null;
    if (!page) return null;
    const session = await this.sessions.load(conversation);
    return this.options.engine.pageChips(conversation, page, session?.language ?? this.options.firstLanguage ?? 'zh-Hans', context.productId);
  }

  /**
   * A buyer whose session expired while their hand-off is still open (a message left after hours,
   * answered days later): a session that says so, so their message goes to the person who has the
   * conversation, not to the bot. Null when there is no such hand-off (a new conversation).
   */
  private async resumedHandoff(message: InboundMessage): Promise<Session | null> {
    const open = await this.options.agentDesk.openHandoffOf?.(message.conversation);
    if (!open) return null;
    const session = newSession(open.language, message.receivedAt);
    session.handoff = { reason: open.reason, since: open.since };
    return session;
  }

  /**
   * Sends replies that answer no request (an agent's message, a reminder) through the buyer's own
   * channel, and writes them into the conversation's transcript, in line with the buyer's messages.
   * `deliveryId` names the sending (OutboundChannel.send) so a retry does not send it twice.
   */
  async sendToBuyer(conversation: ConversationRef, replies: Reply[], from: 'bot' | 'agent', at: number, deliveryId?: string): Promise<void> {
    const channel = this.options.outbound?.get(conversation.channel);
    if (!channel) throw new Error(`channel "${conversation.channel}" cannot send messages later`);
    await this.options.line.run(conversationKey(conversation), async () => {
      await this.sessions.appendTurns(conversation, replies.map((reply) => ({ from, text: reply.text, at })));
      await channel.send(conversation, replies, deliveryId);
    });
  }
}
