// The hand-off core: between the buyer's conversation and the agents' desk.
//   buyer side (called by ConversationService, inside the conversation's line):
//     openHandoff          route to a queue, open the desk thread with the card, remember both
//     relayBuyerMessage    post the buyer's message in the thread
//     buyerReturnedToBot   the buyer pressed "back to the bot": tell the thread
//   desk side (called by any desk adapter, see agent-events.ts):
//     handleAgentEvent     claim / reply / note / back to bot / close, once per platform event id,
//                          in line with the buyer's messages
// All state is in the session store (handoff-record.ts), so any server process can relay.

import { randomUUID } from 'node:crypto';
import { ConversationSessions, conversationKey } from '../conversation-sessions.ts';
import type { Session } from '../engine/session.ts';
import { handleOnce, type HandleOnceOptions } from '../handle-once.ts';
import type { ConversationRef, HandoffReason, Language, LocalText, Reply, Turn } from '../messages.ts';
import type { AgentDesk, Clock, ConversationLine, DeliveryLedger, HandoffRequest, Logger, OutboundChannel, SessionStore } from '../ports.ts';
import type { AgentEvent, AgentEventHandler, AgentEventResult } from './agent-events.ts';
import type { AgentWork } from './agent-work.ts';
import { isOpen } from './business-hours.ts';
import type { AgentRef, HandoffCard, HandoffDesk, StatusChange, StatusDetails } from './handoff-desk.ts';
import {
  buyerLabel,
  handoffRecordKey,
  isHandoffRecord,
  isThreadIndexEntry,
  MAX_HANDOFF_LINES,
  REASON_LABELS,
  threadIndexKey,
  type HandoffRecord,
} from './handoff-record.ts';
import { knownQueues, routeHandoff } from './handoff-routing.ts';
import type { HandoffSettings } from './handoff-settings.ts';
import type { ScheduledJob, Scheduler } from '../scheduling/scheduler.ts';
import { DeskHealth } from './desk-health.ts';
import { DESK_JOB, DeskOutbox } from './desk-outbox.ts';
import { KEFU_DESK } from './desk-view.ts';
import { OpenHandoffs } from './open-handoffs.ts';

/** The scheduler job that tells an unclaimed buyer the expected wait. */
export const WAIT_NOTICE_JOB = 'handoff-wait';

/** What the hand-off core needs from the bot (the engine implements it). */
export interface BotVoice {
  /** One of the flows' responses in a language; null when the flow set has no response by that name. */
  render(responseName: string, conversation: ConversationRef, language: Language, vars?: Record<string, unknown>): Reply | null;
  /**
   * The bot takes the conversation back: clears the session's hand-off, says `response` or starts
   * `resumeFlow` (which may hand over again: then `handoff` is the new hand-off to open).
   */
  takeBack(session: Session, conversation: ConversationRef, at: number, response: string, resumeFlow?: string): Promise<{ replies: Reply[]; handoff: HandoffRequest | null }>;
}

export interface HandoffServiceOptions {
  desk: HandoffDesk;
  voice: BotVoice;
  sessions: SessionStore;
  line: ConversationLine;
  ledger: DeliveryLedger;
  /** Channels that can send later, by channel name (the same map ConversationService has). */
  outbound: ReadonlyMap<string, OutboundChannel>;
  settings: HandoffSettings;
  clock: Clock;
  logger: Logger;
  /**
   * Runs the hand-off's later work on any process: the wait notice, and posting to a team-chat
   * desk that was unreachable. The caller starts it with `runJob` as the handler.
   */
  scheduler: Scheduler;
  /** Whether the team-chat desk answers, for /healthz; one of its own when absent. */
  health?: DeskHealth;
  /**
   * Applied to every buyer text that leaves Kefu for the desk (the card's last turns, relayed
   * messages), e.g. masking phone numbers and addresses; none when absent.
   */
  maskText?: (text: string) => string;
  /** Told of agents' work for the merchant's figures (first replies, hand-offs handled); must not throw. */
  onAgentWork?: (work: AgentWork) => void;
  /** The buyer's tags for the card (dialogs/buyers/buyer-tagger.ts); none when absent. */
  buyerTags?: (buyer: ConversationRef) => Promise<{ name: string; label: LocalText }[]>;
  sessionTtlSeconds: number;
  lastTurns: number;
  dedupeSeconds: number;
  claimSeconds: number;
}

const NOTICES = {
  notClaimed: 'Not sent: press Claim first, then reply (start a message with {marker} to keep it as an internal note).',
  ended: 'Not sent: this hand-off is over, the bot has the conversation again.',
  unknown: 'Not sent: Kefu does not know this thread (it may be too old).',
  undeliverable: 'Not sent: the buyer\'s channel ({channel}) cannot receive messages later.',
};

export class HandoffService implements AgentDesk, AgentEventHandler {
  /** Whether the team-chat desk answers (for /healthz). */
  readonly health: DeskHealth;
  private readonly outbox: DeskOutbox;
  /** The hand-offs not over yet, for Kefu's own desk. */
  readonly open: OpenHandoffs;
  private readonly conversations: ConversationSessions;
  private readonly once: HandleOnceOptions<AgentEventResult['status']>;

  constructor(private readonly options: HandoffServiceOptions) {
    const { logger, ledger } = options;
    this.health = options.health ?? new DeskHealth(options.desk.kind, options.clock);
    this.open = new OpenHandoffs(options.sessions, options.line, options.settings.keepSeconds);
    this.outbox = new DeskOutbox({
      desk: options.desk,
      health: this.health,
      sessions: options.sessions,
      line: options.line,
      scheduler: options.scheduler,
      clock: options.clock,
      logger,
      keepSeconds: options.settings.keepSeconds,
    });
    this.conversations = new ConversationSessions({ store: options.sessions, ttlSeconds: options.sessionTtlSeconds, lastTurns: options.lastTurns, logger });
    this.once = {
      ledger,
      logger,
      claimSeconds: options.claimSeconds,
      keepSeconds: options.dedupeSeconds,
      what: 'agent event',
      encode: (status) => status,
      decode: (stored) => stored as AgentEventResult['status'],
    };
  }

  /** Whether agents are at work at `at` (shop time). */
  isOpen(at: number): boolean {
    return isOpen(this.options.settings.businessHours, at, this.options.settings.timezone);
  }

  // ---- buyer side (inside the conversation's line) ----

  async openHandoff(request: HandoffRequest): Promise<void> {
    const { settings, sessions } = this.options;
    const tags = (await this.options.buyerTags?.(request.conversation).catch(() => [])) ?? [];
    const card: HandoffCard = {
      handoffId: `${request.at.toString(36)}-${randomUUID().slice(0, 8)}`,
      queue: routeHandoff(request, settings.routing),
      conversation: request.conversation,
      buyerLabel: buyerLabel(request.buyerName, request.conversation.buyerId),
      channel: request.conversation.channel,
      language: request.language,
      reason: request.reason,
      reasonLabel: REASON_LABELS[request.reason] ?? request.reason,
      // A flow's detail may quote what the buyer gave (a new address, a phone): masked like the turns.
      ...(request.detail ? { detail: this.mask(request.detail) } : {}),
      ...(request.flow ? { flow: request.flow } : {}),
      ...(request.orderId ? { orderId: request.orderId } : {}),
      ...(request.productId ? { productId: request.productId } : {}),
      ...(tags.length > 0 ? { buyerTags: tags } : {}),
      lastTurns: request.lastTurns.map((turn) => ({ ...turn, text: this.mask(turn.text) })),
      openedAt: request.at,
      afterHours: !this.isOpen(request.at),
      status: 'waiting',
    };
    // A hand-off this one replaces leaves Kefu's desk; this one joins it, with a thread of the
    // built-in desk (its id is the hand-off's) beside the team chat's.
    const previous = await this.loadRecord(request.conversation);
    if (previous && !isEnded(previous)) await this.open.remove([previous.card.handoffId]);
    await sessions.save(threadIndexKey({ desk: KEFU_DESK, threadId: card.handoffId }), { conversation: request.conversation, handoffId: card.handoffId }, settings.keepSeconds);
    await this.open.add({ handoffId: card.handoffId, conversation: request.conversation, queue: card.queue, openedAt: card.openedAt });
    // The record is kept whatever the desk does: a desk that is down gets the card when it is back.
    const record: HandoffRecord = { card, thread: null, waitNoticeAt: null };
    await this.outbox.open(record);
    await this.saveRecord(record);
    await this.outbox.afterSave(record);
    if (!card.afterHours && settings.unclaimedNoticeSeconds > 0) {
      await this.options.scheduler.schedule({
        key: `${WAIT_NOTICE_JOB}:${card.handoffId}`,
        runAt: request.at + settings.unclaimedNoticeSeconds * 1000,
        data: { kind: WAIT_NOTICE_JOB, conversation: JSON.stringify(request.conversation), handoffId: card.handoffId },
      });
    }
  }

  async relayBuyerMessage(conversation: ConversationRef, text: string, at: number): Promise<void> {
    const record = await this.loadRecord(conversation);
    if (!record || isEnded(record)) {
      this.options.logger.warn({ conversation: conversationKey(conversation) }, 'buyer message during a hand-off that has no open thread; kept in the transcript only');
      return;
    }
    keepLine(record, { from: 'buyer', text: this.mask(text), at });
    await this.outbox.post(record, { kind: 'buyer', line: { text: this.mask(text), at, buyerLabel: record.card.buyerLabel } });
    await this.saveRecord(record);
    await this.outbox.afterSave(record);
  }

  /** The scheduler's handler for the hand-off's jobs (wait notices, posting to a desk that was down). */
  async runJob(job: ScheduledJob): Promise<void> {
    const { kind, conversation, handoffId } = job.data;
    if (typeof conversation !== 'string' || typeof handoffId !== 'string') return;
    const ref = JSON.parse(conversation) as ConversationRef;
    if (kind === WAIT_NOTICE_JOB) await this.noticeIfUnclaimed(ref, handoffId);
    else if (kind === DESK_JOB) await this.outbox.drain(ref, handoffId, job.key);
  }

  /** The buyer pressed "back to the bot" during a hand-off (the engine already took the conversation back). */
  async buyerReturnedToBot(conversation: ConversationRef, at: number): Promise<void> {
    const record = await this.loadRecord(conversation);
    if (!record || isEnded(record)) return;
    record.card.status = 'back_to_bot';
    record.card.endedAt = at;
    await this.saveRecord(record);
    await this.open.remove([record.card.handoffId]);
    await this.postStatus(record, 'buyer_back_to_bot', at, undefined, 'The buyer went back to the bot.');
  }

  /** The conversation's hand-off while it is not over (a session expired before it: conversations.ts). */
  async openHandoffOf(conversation: ConversationRef): Promise<{ reason: HandoffReason; since: number; language: Language } | null> {
    const record = await this.loadRecord(conversation);
    if (!record || isEnded(record)) return null;
    return { reason: record.card.reason, since: record.card.openedAt, language: record.card.language };
  }

  // ---- desk side ----

  async handleAgentEvent(event: AgentEvent): Promise<AgentEventResult> {
    // The ledger keeps the status only: a repeat is answered "duplicate", whatever the first did.
    let applied: AgentEventResult | undefined;
    const deliveryKey = `desk:${event.thread.desk}:${event.eventId}`;
    const { duplicate } = await handleOnce(this.once, deliveryKey, event.eventId, async () => {
      applied = await this.apply(event, deliveryKey);
      return applied.status;
    });
    return duplicate || !applied ? { status: 'duplicate' } : applied;
  }

  /** `delivery` names what this event sends the buyer (OutboundChannel.send), so a retry of the event after a crash does not send it twice where the channel records sends. */
  private async apply(event: AgentEvent, delivery: string): Promise<AgentEventResult> {
    const { sessions, line, settings } = this.options;
    if (event.kind === 'message' && !event.noNoteMarker && event.text.trimStart().startsWith(settings.noteMarker)) return { status: 'note' };
    const entry = await sessions.load<unknown>(threadIndexKey(event.thread));
    if (!isThreadIndexEntry(entry)) return { status: 'unknown_thread', notice: NOTICES.unknown };
    return line.run(conversationKey(entry.conversation), async () => {
      const record = await this.loadRecord(entry.conversation);
      if (!record || record.card.handoffId !== entry.handoffId || isEnded(record)) return { status: 'ended', notice: NOTICES.ended };
      // On Kefu's own desk a claimed hand-off is its agent's alone.
      const owner = record.card.claimedBy;
      if (event.ownerOnly && record.card.status === 'claimed' && owner && owner.id !== event.agent.id) {
        return { status: 'already_claimed', by: owner, notice: `${owner.name ?? owner.id} has already claimed this conversation.` };
      }
      // Handed to a named colleague: on Kefu's own desk only they may take it (a team chat's thread is the whole team's).
      const assignee = record.card.assignedTo;
      if (event.kind === 'claim' && event.ownerOnly && record.card.status === 'waiting' && assignee && assignee.id !== event.agent.id) {
        return { status: 'assigned_to_other', to: assignee, notice: `This conversation waits for ${agentName(assignee)}.` };
      }
      switch (event.kind) {
        case 'claim':
          return this.claim(record, event.agent, event.at, delivery);
        case 'assign':
          return this.assign(record, event.agent, event.to, event.at);
        case 'message':
          return this.reply(record, event.text, event.at, delivery);
        case 'back_to_bot': {
          // Only the flows the shop lets agents pick: a forged event cannot start anything else.
          const allowed = event.resumeFlow && this.options.settings.resumeFlows?.includes(event.resumeFlow);
          return this.end(record, 'back_to_bot', event.agent, event.at, delivery, allowed ? event.resumeFlow : undefined);
        }
        case 'close':
          return this.end(record, 'closed', event.agent, event.at, delivery);
        case 'transfer':
          return this.transfer(record, event.agent, event.queue, event.at);
      }
    });
  }

  private async claim(record: HandoffRecord, agent: AgentRef, at: number, delivery: string): Promise<AgentEventResult> {
    const { card } = record;
    if (card.status === 'claimed' && card.claimedBy && card.claimedBy.id !== agent.id) {
      const who = card.claimedBy.name ?? card.claimedBy.id;
      return { status: 'already_claimed', by: card.claimedBy, notice: `${who} has already claimed this conversation.` };
    }
    const again = card.status === 'claimed';
    card.status = 'claimed';
    if (!again) {
      card.claimedBy = agent;
      card.claimedAt = at;
      delete card.assignedTo;
      await this.saveRecord(record);
      await this.tellBuyer(record, 'handoff_claimed', {}, at, delivery);
    }
    // Pressed again by the same agent: re-draw the card (the first update may have failed).
    await this.postStatus(record, 'claimed', at, agent, `Claimed by ${agentName(agent)}. Replies in this thread now reach the buyer.`);
    return { status: 'claimed' };
  }

  /**
   * Shows a note written on Kefu's own desk in the team chat's thread too (Slack, DingTalk), through
   * the outbox like any line. Call inside the conversation's line with the record just saved.
   */
  async noteToTeamChat(record: HandoffRecord, by: AgentRef, text: string, at: number): Promise<void> {
    await this.postStatus(record, 'note_added', at, by, `Note from ${agentName(by)} (not sent to the buyer): ${text}`, { note: text });
  }

  /** Moves the hand-off to another queue; a claim is let go, so that queue's agents can take it. */
  private async transfer(record: HandoffRecord, agent: AgentRef, queue: string, at: number): Promise<AgentEventResult> {
    if (!knownQueues(this.options.settings.routing).includes(queue)) return { status: 'unknown_queue', queue, notice: `Not moved: there is no queue "${queue}".` };
    const { card } = record;
    if (card.queue === queue && card.status === 'waiting' && !card.assignedTo) return { status: 'transferred', queue };
    card.queue = queue;
    card.status = 'waiting';
    delete card.claimedBy;
    delete card.claimedAt;
    delete card.assignedTo;
    await this.saveRecord(record);
    await this.open.add({ handoffId: card.handoffId, conversation: card.conversation, queue, openedAt: card.openedAt });
    await this.postStatus(record, 'transferred', at, agent, `${agentName(agent)} moved this to the ${queue} queue; it waits for a claim there.`);
    return { status: 'transferred', queue };
  }

  /**
   * Hands the hand-off to a named colleague: it waits for them, unclaimed, in the same queue; the
   * claim (the one handing it over, when they had it) is let go. Who may do it was checked by the
   * caller: the owner, or anyone while it waits.
   */
  private async assign(record: HandoffRecord, agent: AgentRef, to: AgentRef, at: number): Promise<AgentEventResult> {
    if (to.id === agent.id) return { status: 'assign_to_self', notice: 'Not handed over: pick a colleague, not yourself.' };
    const { card } = record;
    if (card.status === 'waiting' && card.assignedTo?.id === to.id) return { status: 'assigned', to: card.assignedTo };
    card.status = 'waiting';
    card.assignedTo = to;
    delete card.claimedBy;
    delete card.claimedAt;
    await this.saveRecord(record);
    await this.open.add({ handoffId: card.handoffId, conversation: card.conversation, queue: card.queue, openedAt: card.openedAt });
    await this.postStatus(record, 'assigned', at, agent, `${agentName(agent)} handed this to ${agentName(to)}; it waits for them to claim it.`);
    return { status: 'assigned', to };
  }

  private async reply(record: HandoffRecord, text: string, at: number, delivery: string): Promise<AgentEventResult> {
    if (record.card.status !== 'claimed') return { status: 'not_claimed', notice: NOTICES.notClaimed.replace('{marker}', this.options.settings.noteMarker) };
    const conversation = record.card.conversation;
    const channel = this.options.outbound.get(conversation.channel);
    if (!channel) return { status: 'undeliverable', channel: conversation.channel, notice: NOTICES.undeliverable.replace('{channel}', conversation.channel) };
    await this.appendTurns(conversation, [{ text }], 'agent', at, delivery);
    await channel.send(conversation, [{ text }], delivery);
    const { card } = record;
    keepLine(record, { from: 'agent', text, at });
    const first = card.firstReplyAt === undefined && card.claimedBy;
    if (first) card.firstReplyAt = at;
    await this.saveRecord(record);
    if (first) this.options.onAgentWork?.({ kind: 'first_reply', agent: card.claimedBy!, at, waitedMs: Math.max(0, at - card.openedAt) });
    return { status: 'sent' };
  }

  private async end(record: HandoffRecord, status: 'back_to_bot' | 'closed', agent: AgentRef, at: number, delivery: string, resumeFlow?: string): Promise<AgentEventResult> {
    const { voice } = this.options;
    const conversation = record.card.conversation;
    const key = conversationKey(conversation);
    const stored = await this.conversations.load(conversation);
    let replies: Reply[] = [];
    let again: HandoffRequest | null = null;
    if (stored?.handoff) {
      const response = status === 'closed' && voice.render('handoff_closed', conversation, stored.language) ? 'handoff_closed' : 'back_to_bot';
      ({ replies, handoff: again } = await voice.takeBack(stored, conversation, at, response, resumeFlow));
    }
    record.card.status = status;
    record.card.endedAt = at;
    record.card.endedBy = agent;
    // The hand-off counts for whoever had it (or, never claimed, whoever ended it).
    this.options.onAgentWork?.({ kind: 'handled', agent: record.card.claimedBy ?? agent, at, tookMs: Math.max(0, at - record.card.openedAt) });
    // The resumed flow handed over again: a new hand-off with its own thread, whose record takes
    // this one's place (this thread then reads as over); otherwise this one is saved as over.
    await this.open.remove([record.card.handoffId]);
    if (again) await this.openHandoff(again);
    else await this.saveRecord(record);
    if (stored) await this.conversations.save(conversation, stored);
    // The buyer's session expired while the hand-off waited: nothing for the bot to take back, but
    // the buyer is still told the person has left (the record keeps their language).
    if (!stored) {
      const response = status === 'closed' && voice.render('handoff_closed', conversation, record.card.language) ? 'handoff_closed' : 'back_to_bot';
      const reply = voice.render(response, conversation, record.card.language);
      if (reply) replies = [reply];
    }
    const channel = this.options.outbound.get(conversation.channel);
    if (channel && replies.length > 0) {
      await channel.send(conversation, replies, delivery).catch((error: Error) =>
        this.options.logger.warn({ err: error.message, conversation: key }, 'could not tell the buyer the bot is back; the bot answers their next message'),
      );
    }
    const text = status === 'closed'
      ? `Closed by ${agentName(agent)}. The bot has the conversation again.`
      : `${agentName(agent)} gave the conversation back to the bot${resumeFlow ? ` (flow ${resumeFlow})` : ''}.`;
    // This thread's last line. When a new hand-off took the record's place, it is tried once (its
    // backlog went with the record); otherwise it waits for a desk that is down, like any line.
    if (again) {
      if (record.thread) await this.options.desk.postStatus(record.thread, { change: status, card: record.card, at, text, by: agent, ...(resumeFlow ? { details: { resumeFlow } } : {}) }).catch((error: Error) => this.options.logger.warn({ err: error.message }, 'could not update the hand-off thread'));
    } else await this.postStatus(record, status, at, agent, text, resumeFlow ? { resumeFlow } : undefined);
    return { status };
  }

  // ---- the wait notice ----

  private waitNoticeDue(record: HandoffRecord, at: number): boolean {
    const seconds = this.options.settings.unclaimedNoticeSeconds;
    return record.card.status === 'waiting' && !record.card.afterHours && record.waitNoticeAt === null && seconds > 0 &&
      at - record.card.openedAt >= seconds * 1000;
  }

  /**
   * Tells a buyer nobody has claimed yet the expected wait, once per hand-off (a scheduler job;
   * it throws when the store fails, and the scheduler tries again).
   */
  async noticeIfUnclaimed(conversation: ConversationRef, handoffId: string): Promise<void> {
    await this.options.line.run(conversationKey(conversation), async () => {
      const record = await this.loadRecord(conversation);
      const now = this.options.clock.now();
      if (!record || record.card.handoffId !== handoffId || !this.waitNoticeDue(record, now)) return;
      record.waitNoticeAt = now;
      // Saved before sending: a notice is at most once, never twice.
      await this.saveRecord(record);
      const sent = await this.tellBuyer(record, 'handoff_waiting', { handoff: { minutes: this.options.settings.expectedWaitMinutes } }, now, `wait-notice:${handoffId}`);
      if (sent) await this.postStatus(record, 'wait_notice_sent', now, undefined, `Nobody has claimed this yet; the buyer was told to expect a wait of about ${this.options.settings.expectedWaitMinutes} minutes and may leave a message.`, { waitMinutes: this.options.settings.expectedWaitMinutes });
    });
  }

  // ---- helpers ----

  private mask(text: string): string {
    return this.options.maskText ? this.options.maskText(text) : text;
  }

  /** Sends a response to the buyer through their channel and writes it into the transcript. False when not sent. */
  private async tellBuyer(record: HandoffRecord, response: string, vars: Record<string, unknown>, at: number, delivery: string): Promise<boolean> {
    const conversation = record.card.conversation;
    const channel = this.options.outbound.get(conversation.channel);
    const language = (await this.conversations.load(conversation))?.language ?? record.card.language;
    const reply = this.options.voice.render(response, conversation, language, vars);
    if (!channel || !reply) return false;
    try {
      await this.appendTurns(conversation, [reply], 'bot', at, delivery);
      await channel.send(conversation, [reply], delivery);
      return true;
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message, response }, 'could not tell the buyer');
      return false;
    }
  }

  /** Written under the send's `delivery` id, as the send is: an event retried after a crash between the two writes neither twice. */
  private async appendTurns(conversation: ConversationRef, replies: Reply[], from: 'bot' | 'agent', at: number, delivery: string): Promise<void> {
    await this.conversations.appendTurns(conversation, replies.map((reply) => ({ from, text: reply.text, at })), delivery);
  }

  /**
   * Status lines go through the outbox: posted now, or kept and posted when the desk is back. A
   * store failure here is logged: the state itself is already saved.
   */
  private async postStatus(record: HandoffRecord, change: StatusChange, at: number, by: AgentRef | undefined, text: string, details?: StatusDetails): Promise<void> {
    try {
      const changed = await this.outbox.post(record, { kind: 'status', update: { change, card: structuredClone(record.card), at, text, ...(by ? { by } : {}), ...(details ? { details } : {}) } });
      if (changed) {
        await this.saveRecord(record);
        await this.outbox.afterSave(record);
      }
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message, change }, 'could not update the hand-off thread');
    }
  }

  private async loadRecord(conversation: ConversationRef): Promise<HandoffRecord | null> {
    const value = await this.options.sessions.load<unknown>(handoffRecordKey(conversationKey(conversation)));
    return isHandoffRecord(value) ? value : null;
  }

  private async saveRecord(record: HandoffRecord): Promise<void> {
    await this.options.sessions.save(handoffRecordKey(conversationKey(record.card.conversation)), record, this.options.settings.keepSeconds);
  }
}

function isEnded(record: HandoffRecord): boolean {
  return record.card.status === 'back_to_bot' || record.card.status === 'closed';
}

function keepLine(record: HandoffRecord, line: Turn): void {
  record.lines = [...(record.lines ?? []), line].slice(-MAX_HANDOFF_LINES);
}

function agentName(agent: AgentRef): string {
  return agent.name ?? agent.id;
}
