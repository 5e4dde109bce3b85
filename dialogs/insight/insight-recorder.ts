// Records every turn for the merchant's view: counters per minute and hour (intent, outcome,
// language, channel, sentiment, hand-off reason), the buyer's phrase for hot topics, messages the
// bot did not understand (for the robot trainer), and the state of open conversations, which are
// settled as resolved / handed off / abandoned once they go quiet. Orders reported through
// recordOrder are credited to the bot when the buyer had a pre-sale conversation within 24 h.
//
// Recording never holds up or breaks a buyer's turn: `record` returns at once, the writes run
// after, and a failing store is logged (rate-limited), never thrown.

import { PAGE_INTENT_PREFIX } from '../shopping/most-asked.ts';
import type { EventSink, Logger, TurnEvent } from '../ports.ts';
import { presaleBuyerKey, type ConversationTurn, type InsightStore, type OpenConversation } from './insight-store.ts';
import type { AgentWork } from '../handoff/agent-work.ts';
import { agentWorkCounts } from './agent-figures.ts';
import { CounterBatch } from './counter-batch.ts';
import { normalisePhrase } from './phrases.ts';
import { sentimentLabel } from './sentiment.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** How a conversation ended, once it went quiet. */
export type ConversationResult = 'resolved' | 'handed_off' | 'abandoned';

export interface InsightRecorderOptions {
  store: InsightStore;
  logger: Logger;
  /** Intents that make a conversation pre-sale (their buyers' orders can be credited to the bot). */
  presaleIntents: readonly string[];
  /** A conversation quiet this long is settled; see settleQuietConversations. */
  quietAfterMs: number;
  /** How many not-understood messages the trainer keeps. */
  keepMisunderstood: number;
  /** Called after each recorded turn (live views). */
  onRecorded?: () => void;
  /** Turn notes and counters are added up and written at most this often (counter-batch.ts); 0 writes each turn's at once. Default 1000. */
  counterFlushMs?: number;
}

/** Where a buyer's order stands when it is reported. */
export interface OrderReport {
  channel: string;
  buyerId: string;
  orderId: string;
  at: number;
}

/** Messages longer than this are not kept for the trainer (they are letters, not questions). */
const MAX_TRAINER_TEXT = 200;
const SETTLE_BATCH = 500;
/** Turns waiting for a batch; beyond this (a store far slower than buyers) new ones are dropped. */
const MAX_QUEUED = 50_000;

function conversationKey(event: TurnEvent): string {
  return `${event.conversation.channel}:${event.conversation.conversationId}`;
}

/**
 * The result of a quiet conversation: handed off when a person took over; abandoned when the bot's
 * last turn left the buyer mid-way (it asked a question, or did not understand) and the buyer never
 * came back; otherwise resolved by the bot (it answered, a flow completed, or the buyer cancelled).
 */
export function resultOf(conversation: OpenConversation): ConversationResult {
  if (conversation.handoffReason) return 'handed_off';
  if (conversation.lastOutcome === 'asked' || conversation.lastOutcome === 'not_understood') return 'abandoned';
  return 'resolved';
}

/** A turn waiting to be noted in its conversation's open state (the next batch). */
interface PendingTurn {
  turn: ConversationTurn;
  at: number;
  counts: Record<string, number>;
}

export class InsightRecorder implements EventSink {
  /**
   * Turns waiting for the next batch, in the order recorded. A conversation's turns are noted in
   * turn order, and every process's turns of a second go to Redis in one script call: noted one
   * call per turn, in one chain for the process, every note waited for the one before (a round
   * trip and a socket write each), and a busy minute left a backlog that took seconds of CPU to
   * drain (`npm run bench -- --profile`).
   */
  private batch: PendingTurn[] = [];
  private batchTimer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> = Promise.resolve();
  private lastFailureLog = 0;
  /** Turns recorded and not yet written (waiting for a batch, or in one being written). */
  private queued = 0;
  /** Turns not counted because the store could not keep up (shown in the log). */
  dropped = 0;
  private readonly presale: ReadonlySet<string>;
  private readonly counters: CounterBatch;
  private readonly flushMs: number;

  constructor(private readonly options: InsightRecorderOptions) {
    this.presale = new Set(options.presaleIntents);
    this.flushMs = options.counterFlushMs ?? 1000;
    this.counters = new CounterBatch(options.store, this.flushMs, (error) => this.failed(error));
  }

  record(event: TurnEvent): void {
    if (this.queued >= MAX_QUEUED) {
      this.dropped += 1;
      this.failed(new Error(`${this.dropped} turns not counted: the insight store is too slow`));
      return;
    }
    const { conversation } = event;
    const counts: Record<string, number> = {
      turns: 1,
      [`intent:${event.intent ?? '-'}`]: 1,
      [`outcome:${event.outcome}`]: 1,
      [`lang:${event.language}`]: 1,
      [`channel:${conversation.channel}`]: 1,
    };
    if (event.sentiment !== undefined) counts[`sentiment:${sentimentLabel(event.sentiment)}`] = 1;
    if (event.handoffReason) counts[`handoff:${event.handoffReason}`] = 1;
    // What buyers ask on each kind of page: the most-asked chips (dialogs/shopping/most-asked.ts).
    if (event.page && event.intent) counts[`${PAGE_INTENT_PREFIX}${event.page}:${event.intent}`] = 1;

    const presale = Boolean(event.intent && this.presale.has(event.intent));
    const phrase = event.outcome === 'relayed' || !event.text ? null : normalisePhrase(event.text);
    const misunderstood = event.outcome === 'not_understood' || event.handoffReason === 'not_understood';
    // Kept normalised: personal numbers and addresses are already masked in what is stored.
    if (misunderstood && event.text && event.text.length <= MAX_TRAINER_TEXT && phrase) {
      this.options.store.keepMisunderstood({ text: phrase, at: event.at, language: event.language }, this.options.keepMisunderstood).catch((error: Error) => this.failed(error));
    }
    if (phrase) this.counters.add(event.at, 'phrases', { [phrase]: 1 });
    const turn: ConversationTurn = {
      key: conversationKey(event),
      channel: conversation.channel,
      buyerId: conversation.buyerId,
      at: event.at,
      outcome: event.outcome,
      handoffReason: event.handoffReason ?? null,
      presale,
    };
    // The turn's counts wait for its note: whether it started a conversation is known only then.
    this.batch.push({ turn, at: event.at, counts });
    this.queued += 1;
    if (this.flushMs === 0) void this.writeBatch();
    else this.batchTimer ??= setTimeout(() => void this.writeBatch(), this.flushMs).unref();
  }

  /** Resolves when everything recorded so far has been written, counters included (tests, shutdown). */
  async flush(): Promise<void> {
    await this.writeBatch();
    await this.counters.flush();
  }

  private failed(error: Error): void {
    const now = Date.now();
    if (now - this.lastFailureLog > 60_000) {
      this.lastFailureLog = now;
      this.options.logger.warn({ err: error.message }, 'insight counters unavailable; turns are answered but not counted');
    }
  }

  /** Notes the waiting turns in one store call (after the batch before it); resolves when done. */
  private writeBatch(): Promise<void> {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    const batch = this.batch;
    this.batch = [];
    if (batch.length > 0) {
      this.writing = this.writing
        .then(() => this.note(batch))
        .catch((error: Error) => this.failed(error))
        .finally(() => (this.queued -= batch.length));
    }
    return this.writing;
  }

  private async note(batch: PendingTurn[]): Promise<void> {
    const { store } = this.options;
    // One atomic call merges the turns into the open states (and marks pre-sale buyers with them):
    // two processes noting turns of one conversation at once lose nothing and only one hears "new".
    const started = await store.noteTurns(
      batch.map((pending) => pending.turn),
      { keepMs: DAY_MS },
    );
    // The day-long marker is claimed only for a conversation new to the open set (one message in a
    // conversation's life): it keeps a conversation that was settled and came back within the day
    // from counting as started twice. The claims of one batch leave together.
    const claimed = await Promise.all(batch.map((pending, i) => (started[i] ? store.claimOnce(`started:${pending.turn.key}`, DAY_MS) : false)));
    batch.forEach((pending, i) => {
      if (claimed[i]) pending.counts['conversations:started'] = 1;
      this.counters.add(pending.at, 'counts', pending.counts);
      this.options.onRecorded?.();
    });
  }

  /**
   * Settles conversations quiet since `now - quietAfterMs`: counts each as resolved, handed off
   * (by reason) or abandoned, in the minute of its last message. Safe to run in every process at
   * once: the store hands each conversation to one caller. Returns how many were settled.
   */
  async settleQuietConversations(now: number): Promise<number> {
    let settled = 0;
    for (;;) {
      const batch = await this.options.store.takeQuietConversations(now - this.options.quietAfterMs, SETTLE_BATCH);
      for (const conversation of batch) {
        const result = resultOf(conversation);
        const counts: Record<string, number> = { [`conv:${result}`]: 1 };
        if (conversation.handoffReason) counts[`conv:handed_off:${conversation.handoffReason}`] = 1;
        if (conversation.presale) {
          counts['conv:presale'] = 1;
          if (result === 'resolved') counts['conv:presale_resolved'] = 1;
        }
        await this.options.store.add(conversation.lastAt, 'counts', counts);
      }
      settled += batch.length;
      if (batch.length < SETTLE_BATCH) return settled;
    }
  }

  /**
   * The hook for the orders part of Kefu: call it once an order is placed (a repeated report of
   * the same order id is counted once). The order is "influenced by the bot" when the same buyer
   * had a pre-sale conversation with the bot within the 24 h before it.
   */
  async recordOrder(order: OrderReport): Promise<{ counted: boolean; influenced: boolean }> {
    const { store } = this.options;
    if (!(await store.claimOnce(`order:${order.channel}:${order.orderId}`, 2 * DAY_MS))) return { counted: false, influenced: false };
    const last = await store.lastPresale(presaleBuyerKey(order));
    const influenced = last !== null && last <= order.at && order.at - last <= DAY_MS;
    await store.add(order.at, 'counts', { 'orders:total': 1, ...(influenced ? { 'orders:influenced': 1 } : {}) });
    return { counted: true, influenced };
  }

  /**
   * Counts something other than a turn (a buyer gaining a tag) with the next batch of counters,
   * written within a second: written one at a time, a shop's tag counts were a transaction each.
   */
  count(at: number, counts: Record<string, number>): void {
    this.counters.add(at, 'counts', counts);
  }

  /** The hook for the hand-off core: an agent's first reply, or a hand-off handled (agent-figures.ts). */
  recordAgentWork(work: AgentWork): void {
    this.options.store.add(work.at, 'counts', agentWorkCounts(work)).catch((error: Error) => this.options.logger.warn({ err: error.message }, 'could not count an agent\'s work'));
  }
}
