// The core's front door: every channel hands a buyer's message to `receive`, which makes the
// turn safe to run on many server processes at once:
//   begin: claim the platform's message id (a redelivery is answered from the turn ledger, not run
//   twice), take the conversation's place in line (one message at a time, arrival order), load the
//   session → run the engine → open the hand-off / relay to the agent →
//   finish: commit the session and the answer together, fenced by the claim, and hand the turn on →
//   record the turn for insight. On Redis, begin and finish are one round trip each (TurnStore).
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
  HeldTurn,
  OpenHandoff,
  TurnStart,
  TurnStore,
} from './ports.ts';

// Moved to their own files; re-exported so channels keep one import for the front door.
export { conversationKey } from './conversation-sessions.ts';
export { DeliveryInProgressError } from './handle-once.ts';

export interface ConversationServiceOptions {
  engine: Engine;
  sessions: SessionStore;
  line: ConversationLine;
  /** Claims buyers' messages, takes their turn, and commits each turn's session with its answer (two store round trips on Redis). */
  turns: TurnStore;
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
  /** How long a message waits for the one its sender numbered before it (InboundMessage.sequence). Default 2000. */
  orderWaitMs?: number;
}

const DEFAULT_ORDER_WAIT_MS = 2000;
const FIRST_ORDER_POLL_MS = 5;
const MAX_ORDER_POLL_MS = 100;

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

  /**
   * Handles a buyer's message. `alongside` runs checks that must pass before the turn may run (the
   * web chat's rate limits): they are started in the same tick as the turn's first store call, so on
   * Redis both travel in one round trip; when one rejects, the turn is given back untouched and its
   * error is thrown.
   */
  async receive(message: InboundMessage, options: { alongside?: () => Promise<unknown> } = {}): Promise<ReceiveResult> {
    const key = conversationKey(message.conversation);
    const order = message.sequence === undefined ? undefined : { sequence: message.sequence, wait: true };
    const begin = this.options.turns.begin(key, message.id, this.options.claimSeconds, order);
    // Needed only when the session has expired, which begin tells too late to ask without a round
    // trip of its own: asked now, it shares begin's (docs/scaling.md, "Two round trips a message").
    const openHandoff = this.options.agentDesk.openHandoffOf?.(message.conversation);
    openHandoff?.catch(() => {});
    const [started, checked] = await Promise.allSettled([begin, options.alongside?.()]);
    if (checked.status === 'rejected') {
      if (started.status === 'fulfilled' && started.value.status === 'new') await this.options.turns.abandon(started.value.turn);
      throw checked.reason;
    }
    if (started.status === 'rejected') throw started.reason;
    let start = started.value;
    let fresh = true;
    if (start.status === 'early') {
      start = await this.beginInOrder(key, message);
      fresh = false;
    }
    if (start.status === 'done') return { replies: JSON.parse(start.result) as Reply[], duplicate: true };
    if (start.status === 'in_progress') throw new DeliveryInProgressError(message.id);
    // What was read alongside begin is only as fresh as begin's script when the turn came at once.
    return { replies: await this.runTurn(message, start.turn, start.session, fresh && !start.waited ? openHandoff : undefined), duplicate: false };
  }

  /**
   * A message numbered past the next one its sender's numbering expects (sent a few milliseconds
   * after its predecessor, it overtook it on the way): begun once its predecessor has been, or, when
   * that does not come within orderWaitMs (lost, or never to be retried), anyway.
   */
  private async beginInOrder(key: string, message: InboundMessage): Promise<Exclude<TurnStart, { status: 'early' }>> {
    const sequence = message.sequence!;
    const deadline = performance.now() + (this.options.orderWaitMs ?? DEFAULT_ORDER_WAIT_MS);
    for (let pause = FIRST_ORDER_POLL_MS; ; pause = Math.min(pause * 2, MAX_ORDER_POLL_MS)) {
      const left = deadline - performance.now();
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
      const giveUp = left <= 0;
      const start = await this.options.turns.begin(key, message.id, this.options.claimSeconds, { sequence, wait: !giveUp });
      if (start.status !== 'early') {
        if (giveUp) this.options.logger.warn({ conversation: key, sequence }, 'the message numbered before this one did not come; handled without it');
        return start;
      }
    }
  }

  /** Runs the turn this process holds; whatever fails before the commit gives the message and the turn back, so the retry runs it. */
  private async runTurn(message: InboundMessage, turn: HeldTurn, stored: unknown, openHandoff?: Promise<OpenHandoff | null>): Promise<Reply[]> {
    const { agentDesk, engine, logger, turns } = this.options;
    let outcome;
    let wasHandedOff: boolean;
    try {
      const session = this.sessions.read(message.conversation, stored) ?? (await this.resumedHandoff(message, openHandoff));
      wasHandedOff = Boolean(session?.handoff);
      outcome = await engine.handle(session, message);
      if (outcome.handoff) await agentDesk.openHandoff(outcome.handoff);
      if (outcome.relay) await agentDesk.relayBuyerMessage(message.conversation, message.text || message.payload || '', message.receivedAt);
      if (wasHandedOff && !outcome.session.handoff) await agentDesk.buyerReturnedToBot?.(message.conversation, message.receivedAt);
    } catch (error) {
      await turns.abandon(turn);
      throw error;
    }
    // The session and the answer together, then the turn handed on: the next message of this conversation reads this session.
    const committed = await turns.finish(turn, {
      session: outcome.session,
      sessionTtlSeconds: this.options.sessionTtlSeconds,
      result: JSON.stringify(outcome.replies),
      keepSeconds: this.options.dedupeSeconds,
    });
    if (!committed) {
      logger.warn({ conversation: turn.conversationKey, message: message.id }, 'message claim lapsed while its turn ran; nothing committed, the retry gets the stored answer');
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
  private async resumedHandoff(message: InboundMessage, readAlready?: Promise<OpenHandoff | null>): Promise<Session | null> {
    const open = await (readAlready ?? this.options.agentDesk.openHandoffOf?.(message.conversation));
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
    // Written, then sent, both under `deliveryId`: a retry after a crash between the two writes
    // nothing twice and sends what is missing (the channel records its sends under the same id).
    await this.options.line.run(conversationKey(conversation), async () => {
      await this.sessions.appendTurns(conversation, replies.map((reply) => ({ from, text: reply.text, at })), deliveryId);
      await channel.send(conversation, replies, deliveryId);
    });
  }
}
