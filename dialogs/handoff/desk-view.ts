// What Kefu's own agent desk (/desk) shows and does, read from the hand-off records in the session
// store: the queues of open hand-offs with counts and waits, one hand-off's buyer card, internal
// notes. Actions go through the same agent-event door as Slack and DingTalk
// (HandoffService.handleAgentEvent), on a thread of the desk kind "kefu" that every hand-off has
// from the moment it opens, so the built-in desk works beside any team-chat desk and whoever
// claims first owns the hand-off.

import { ConversationSessions, conversationKey } from '../conversation-sessions.ts';
import type { ConversationRef, HandoffReason, Language, LocalText, MessageContext, Turn } from '../messages.ts';
import type { ConversationLine, Logger, SessionStore } from '../ports.ts';
import type { AgentEvent, AgentEventHandler, AgentEventResult } from './agent-events.ts';
import type { AgentRef, HandoffStatus } from './handoff-desk.ts';
import { handoffRecordKey, isHandoffRecord, isThreadIndexEntry, threadIndexKey, type HandoffRecord } from './handoff-record.ts';
import type { OpenHandoffs } from './open-handoffs.ts';
import { sentimentLabel } from '../insight/sentiment.ts';

/** The built-in desk's kind: `HandoffThread.desk` of its threads (the thread id is the hand-off id). */
export const KEFU_DESK = 'kefu';
/** Notes kept per hand-off, newest kept. */
const MAX_NOTES = 100;

export interface QueueSummary {
  queue: string;
  waiting: number;
  claimed: number;
  /** The longest wait of an unclaimed hand-off in this queue, in seconds (0 when none waits). */
  longestWaitSeconds: number;
}

export interface HandoffSummary {
  handoffId: string;
  queue: string;
  reason: HandoffReason;
  status: HandoffStatus;
  claimedBy: AgentRef | null;
  /** Waiting for this agent, handed over by a colleague; null: for anyone in the queue. */
  assignedTo: AgentRef | null;
  openedAt: number;
  /** Unclaimed: how long it has waited; claimed: how long it waited before the claim. */
  waitSeconds: number;
  buyerLabel: string;
  channel: string;
  language: Language;
  afterHours: boolean;
  /** The desk the team chat shows it on too (slack, dingtalk), and whether it is posted there yet. */
  teamChat: { desk: string; posted: boolean } | null;
}

export interface DeskCard extends HandoffSummary {
  detail: string | null;
  flow: string | null;
  orderId: string | null;
  productId: string | null;
  /** The buyer's tags when the hand-off opened, with their labels (docs/buyer-tags.md). */
  buyerTags: { name: string; label: LocalText }[];
  /** The conversation's last turns (buyer, bot, agent), masked as on the team-chat card. */
  turns: Turn[];
  notes: { text: string; by: AgentRef; at: number }[];
  /** What the bot itself would answer the buyer's last message (null: it would not, or hand over again). */
  suggestion: string | null;
  /** The flows' canned replies (responses named canned_…), in the buyer's language. */
  canned: { name: string; text: string }[];
  /** The answers to the questions buyers asked most in the last 24 hours (the shop's fixed answers), in the buyer's language. */
  faqs: { name: string; text: string }[];
  /** The signed buyer's latest orders, newest first (none for a guest, or when the orders backend is down). */
  orders: DeskOrder[];
  /** How the buyer's last messages read (the insight lexicon): null when there is nothing to read. */
  sentiment: { score: number; label: 'negative' | 'neutral' | 'positive' } | null;
}

export interface DeskOrder {
  id: string;
  status: string;
  total: number;
  currency: string;
  createdAt: number;
}

/** How many of the buyer's latest messages the card's sentiment reads. */
const SENTIMENT_TURNS = 3;
/** How many of the buyer's orders the card shows. */
const CARD_ORDERS = 5;

/** The bot's help for the agent: its own answer to a message, and the canned replies. */
export interface DeskVoice {
  /** The bot's answer to `text`, as if a new buyer wrote it from this product page; null when it has none. */
  suggest(text: string, context: MessageContext | undefined): Promise<string | null>;
  canned(conversation: ConversationRef, language: Language): { name: string; text: string }[];
  /** The most-asked questions' fixed answers, most asked first. */
  faqs?(conversation: ConversationRef, language: Language): Promise<{ name: string; text: string }[]>;
  /** The buyer's orders, newest first; none for a guest. */
  orders?(conversation: ConversationRef): Promise<DeskOrder[]>;
  /** A sentiment score of a text (below 0 unhappy). */
  sentiment?(text: string): number;
}

export interface DeskViewOptions {
  sessions: SessionStore;
  line: ConversationLine;
  open: OpenHandoffs;
  handler: AgentEventHandler;
  /** The team-chat desk's kind, when there is one beside the built-in desk. */
  teamChatDesk: string | null;
  maskText: (text: string) => string;
  /** Shows a note in the team chat's thread as well (HandoffService.noteToTeamChat); none when absent. */
  noteToTeamChat?: (record: HandoffRecord, by: AgentRef, text: string, at: number) => Promise<void>;
  /** Suggested and canned replies; none when absent. */
  voice?: DeskVoice;
  sessionTtlSeconds: number;
  lastTurns: number;
  keepSeconds: number;
  logger: Logger;
}

export class DeskView {
  private readonly conversations: ConversationSessions;

  constructor(private readonly options: DeskViewOptions) {
    this.conversations = new ConversationSessions({ store: options.sessions, ttlSeconds: options.sessionTtlSeconds, lastTurns: options.lastTurns, logger: options.logger });
  }

  /** Every open hand-off, oldest first, and the queues with their counts. */
  async queue(now: number): Promise<{ now: number; queues: QueueSummary[]; handoffs: HandoffSummary[] }> {
    const entries = await this.options.open.list();
    const records = await Promise.all(entries.map((e) => this.options.sessions.load<unknown>(handoffRecordKey(conversationKey(e.conversation)))));
    const handoffs: HandoffSummary[] = [];
    const gone: string[] = [];
    entries.forEach((entry, i) => {
      const record = records[i];
      if (!isHandoffRecord(record) || record.card.handoffId !== entry.handoffId || isEnded(record)) gone.push(entry.handoffId);
      else handoffs.push(this.summary(record, now));
    });
    // Hand-offs that ended or were replaced leave the list the next time anyone looks.
    if (gone.length > 0) void this.options.open.remove(gone).catch(() => {});
    const queues = new Map<string, QueueSummary>();
    for (const h of handoffs) {
      const q = queues.get(h.queue) ?? { queue: h.queue, waiting: 0, claimed: 0, longestWaitSeconds: 0 };
      if (h.status === 'claimed') q.claimed += 1;
      else {
        q.waiting += 1;
        q.longestWaitSeconds = Math.max(q.longestWaitSeconds, h.waitSeconds);
      }
      queues.set(h.queue, q);
    }
    return { now, queues: [...queues.values()].sort((a, b) => a.queue.localeCompare(b.queue)), handoffs };
  }

  /** One hand-off's card (also after it ended); null when Kefu does not know it. */
  async card(handoffId: string, now: number): Promise<DeskCard | null> {
    const record = await this.find(handoffId);
    if (!record) return null;
    const session = await this.conversations.load(record.card.conversation);
    // The session's transcript, and what the record kept of the hand-off: the session may have
    // expired (a message left days ago), or begun again since (the buyer came back).
    const live = mergeTurns([...record.card.lastTurns, ...(record.lines ?? []), ...(session?.turns ?? []).map((t) => ({ ...t, text: this.options.maskText(t.text) }))], this.options.lastTurns);
    const { card } = record;
    const lastBuyer = session?.turns?.filter((t) => t.from === 'buyer').at(-1);
    const voice = this.options.voice;
    const open = card.status === 'waiting' || card.status === 'claimed';
    // The bot's own answer is worked out on the buyer's words as written (never shown masked to the
    // bot); a failing suggestion never keeps the card from the agent.
    const suggestion = open && voice && lastBuyer ? await voice.suggest(lastBuyer.text, session?.context).catch(() => null) : null;
    const orders = voice?.orders && !card.conversation.guest ? (await voice.orders(card.conversation).catch(() => [])).slice(0, CARD_ORDERS) : [];
    // Read on the buyer's words as written, like the bot reads them; only the score reaches the card.
    const recent = (session?.turns ?? []).filter((t) => t.from === 'buyer').slice(-SENTIMENT_TURNS);
    const score = voice?.sentiment && recent.length > 0 ? recent.reduce((sum, t) => sum + voice.sentiment!(t.text), 0) / recent.length : null;
    return {
      ...this.summary(record, now),
      suggestion,
      canned: open && voice ? voice.canned(card.conversation, session?.language ?? card.language) : [],
      faqs: open && voice?.faqs ? await voice.faqs(card.conversation, session?.language ?? card.language).catch(() => []) : [],
      detail: card.detail ?? null,
      flow: card.flow ?? null,
      orderId: card.orderId ?? null,
      productId: card.productId ?? null,
      buyerTags: card.buyerTags ?? [],
      orders,
      sentiment: score === null ? null : { score: Math.round(score * 10) / 10, label: sentimentLabel(score) },
      turns: live,
      notes: record.notes ?? [],
    };
  }

  /** Keeps an internal note on the hand-off (never sent to the buyer). */
  async addNote(handoffId: string, by: AgentRef, text: string, at: number): Promise<'ok' | 'unknown' | 'ended'> {
    const entry = await this.options.sessions.load<unknown>(threadIndexKey({ desk: KEFU_DESK, threadId: handoffId }));
    if (!isThreadIndexEntry(entry)) return 'unknown';
    const key = handoffRecordKey(conversationKey(entry.conversation));
    return this.options.line.run(conversationKey(entry.conversation), async () => {
      const record = await this.options.sessions.load<unknown>(key);
      if (!isHandoffRecord(record) || record.card.handoffId !== handoffId) return 'unknown';
      if (isEnded(record)) return 'ended';
      record.notes = [...(record.notes ?? []), { text, by, at }].slice(-MAX_NOTES);
      await this.options.sessions.save(key, record, this.options.keepSeconds);
      await this.options.noteToTeamChat?.(record, by, text, at);
      return 'ok';
    });
  }

  act(event: AgentEvent): Promise<AgentEventResult> {
    return this.options.handler.handleAgentEvent(event);
  }

  private async find(handoffId: string): Promise<HandoffRecord | null> {
    const entry = await this.options.sessions.load<unknown>(threadIndexKey({ desk: KEFU_DESK, threadId: handoffId }));
    if (!isThreadIndexEntry(entry)) return null;
    const record = await this.options.sessions.load<unknown>(handoffRecordKey(conversationKey(entry.conversation)));
    return isHandoffRecord(record) && record.card.handoffId === handoffId ? record : null;
  }

  private summary(record: HandoffRecord, now: number): HandoffSummary {
    const { card } = record;
    const until = card.status === 'claimed' && card.claimedAt ? card.claimedAt : card.endedAt ?? now;
    const team = this.options.teamChatDesk;
    return {
      handoffId: card.handoffId,
      queue: card.queue,
      reason: card.reason,
      status: card.status,
      claimedBy: card.claimedBy ?? null,
      assignedTo: card.status === 'waiting' ? card.assignedTo ?? null : null,
      openedAt: card.openedAt,
      waitSeconds: Math.max(0, Math.floor((until - card.openedAt) / 1000)),
      buyerLabel: card.buyerLabel,
      channel: card.channel,
      language: card.language,
      afterHours: card.afterHours,
      teamChat: team ? { desk: team, posted: record.thread !== null } : null,
    };
  }
}

/** The last `limit` turns in the order said, each once (a turn kept in both the record and the session). */
function mergeTurns(turns: Turn[], limit: number): Turn[] {
  const seen = new Set<string>();
  const once = turns.filter((t) => {
    const key = `${t.from}\u0000${t.at}\u0000${t.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return once.sort((a, b) => a.at - b.at).slice(-limit);
}

function isEnded(record: HandoffRecord): boolean {
  return record.card.status === 'back_to_bot' || record.card.status === 'closed';
}
