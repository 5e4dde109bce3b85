// Never strand a buyer: what the team-chat desk (Slack, DingTalk) must be shown goes through this
// outbox. When the desk answers, a line is posted at once, as before; when it fails (down, slow,
// throttled past its retries), the line is kept in the hand-off's record in the session store
// (Redis in production) and a job on the scheduler port posts it when the desk is back, in order:
// the card first, then buyer lines and status lines. The buyer's message is answered either way,
// never with an error because the agents' chat is down.
//
// One poster at a time per hand-off: a job takes a lease in the record (inside the conversation's
// line), posts outside the line (a slow desk must not hold up the buyer), and records each success
// in the line. A failing post schedules the next try with a growing pause (up to a minute), for as
// long as the hand-off is kept.

import { conversationKey } from '../conversation-sessions.ts';
import type { ConversationRef } from '../messages.ts';
import type { Clock, ConversationLine, Logger, SessionStore } from '../ports.ts';
import type { Scheduler } from '../scheduling/scheduler.ts';
import type { HandoffDesk, HandoffThread } from './handoff-desk.ts';
import type { DeskHealth } from './desk-health.ts';
import { handoffRecordKey, isHandoffRecord, threadIndexKey, type DeskBacklogItem, type HandoffRecord } from './handoff-record.ts';

export const DESK_JOB = 'handoff-desk';

/** A backlog is bounded: a desk down for days must not grow one record without end. */
const MAX_BACKLOG = 200;
const LEASE_MS = 60_000;
const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 60_000;

export interface DeskOutboxOptions {
  desk: HandoffDesk;
  health: DeskHealth;
  sessions: SessionStore;
  line: ConversationLine;
  scheduler: Scheduler;
  clock: Clock;
  logger: Logger;
  keepSeconds: number;
}

type NextStep = { kind: 'open'; record: HandoffRecord } | { kind: 'post'; thread: HandoffThread; item: DeskBacklogItem } | null;

export class DeskOutbox {
  /** Jobs to schedule once their record is saved (a job must never find an older record). */
  private readonly pendingJobs = new WeakMap<HandoffRecord, { key: string; runAt: number }>();

  constructor(private readonly options: DeskOutboxOptions) {}

  /**
   * Opens the hand-off's thread now if the desk answers; otherwise the record keeps `thread: null`
   * and a job opens it later. Call inside the conversation's line, before the record is saved;
   * then call `afterSave`.
   */
  async open(record: HandoffRecord): Promise<void> {
    const { desk, health, sessions, keepSeconds } = this.options;
    if (health.failing) return this.queue(record);
    try {
      record.thread = await desk.openThread(record.card);
      health.succeeded();
      await sessions.save(threadIndexKey(record.thread), { conversation: record.card.conversation, handoffId: record.card.handoffId }, keepSeconds);
    } catch (error) {
      this.failed(record, error, 'could not open the hand-off on the desk; it is kept and posted when the desk is back');
      this.queue(record);
    }
  }

  /**
   * Shows the desk a buyer line or a status line: now when nothing waits before it and the desk
   * answers, else in the backlog. Returns true when the record changed (save it, then `afterSave`).
   */
  async post(record: HandoffRecord, item: DeskBacklogItem): Promise<boolean> {
    const { health } = this.options;
    if (record.thread && !record.backlog?.length && !health.failing) {
      try {
        await this.perform(record.thread, item);
        health.succeeded();
        return false;
      } catch (error) {
        this.failed(record, error, 'could not post to the hand-off thread; it is kept and posted when the desk is back');
      }
    }
    const backlog = (record.backlog ??= []);
    backlog.push(item);
    if (backlog.length > MAX_BACKLOG) backlog.splice(0, backlog.length - MAX_BACKLOG);
    this.queue(record);
    return true;
  }

  /** Schedules the job that posts what waits, once the record with its backlog is saved. */
  async afterSave(record: HandoffRecord): Promise<void> {
    const job = this.pendingJobs.get(record);
    if (!job) return;
    this.pendingJobs.delete(record);
    const { key, runAt } = job;
    await this.options.scheduler.schedule({ key, runAt, data: { kind: DESK_JOB, conversation: JSON.stringify(record.card.conversation), handoffId: record.card.handoffId } });
  }

  /**
   * The job: posts the card and the backlog, in order, until it is empty or the desk fails. Never
   * throws for the desk. `owner` is the job's key: a job re-run after its process died goes on
   * where it stopped, while any other job leaves the posting to the one holding the lease.
   */
  async drain(conversation: ConversationRef, handoffId: string, owner: string): Promise<void> {
    for (;;) {
      const next = await this.inLine(conversation, handoffId, (record) => this.takeNext(record, owner));
      if (!next) return;
      let opened: HandoffThread | null = null;
      try {
        if (next.kind === 'open') opened = await this.options.desk.openThread(next.record.card);
        else await this.perform(next.thread, next.item);
        this.options.health.succeeded();
      } catch (error) {
        await this.inLine(conversation, handoffId, (record) => {
          const sync = syncOf(record);
          sync.failures += 1;
          delete sync.lease;
          this.failed(record, error, 'the desk is still unreachable; the hand-off will be posted later');
          this.queue(record, Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(sync.failures - 1, 10)));
          return { save: true };
        });
        return;
      }
      await this.inLine(conversation, handoffId, async (record) => {
        syncOf(record).failures = 0;
        if (opened) {
          record.thread = opened;
          await this.options.sessions.save(threadIndexKey(opened), { conversation: record.card.conversation, handoffId }, this.options.keepSeconds);
        } else record.backlog?.shift();
        return { save: true };
      });
    }
  }

  // ---- helpers ----

  private async perform(thread: HandoffThread, item: DeskBacklogItem): Promise<void> {
    if (item.kind === 'buyer') await this.options.desk.postBuyerMessage(thread, item.line);
    else await this.options.desk.postStatus(thread, item.update);
  }

  /** Decides the next post and takes the lease; no step when nothing waits or someone else is posting. */
  private takeNext(record: HandoffRecord, owner: string): { save: boolean; step?: NextStep } {
    const sync = syncOf(record);
    const now = this.options.clock.now();
    if (sync.lease && sync.lease.owner !== owner && sync.lease.until > now) return { save: false };
    if (record.thread && !record.backlog?.length) {
      if (!sync.lease) return { save: false };
      delete sync.lease;
      return { save: true };
    }
    sync.lease = { owner, until: now + LEASE_MS };
    const step: NextStep = record.thread ? { kind: 'post', thread: record.thread, item: record.backlog![0]! } : { kind: 'open', record: structuredClone(record) };
    return { save: true, step };
  }

  /**
   * Runs `change` on the hand-off's record inside the conversation's line and saves it when asked;
   * nothing happens when the conversation has moved on to another hand-off.
   */
  private async inLine(
    conversation: ConversationRef,
    handoffId: string,
    change: (record: HandoffRecord) => { save: boolean; step?: NextStep } | Promise<{ save: boolean; step?: NextStep }>,
  ): Promise<NextStep> {
    const { line, sessions, keepSeconds } = this.options;
    const key = handoffRecordKey(conversationKey(conversation));
    return line.run(conversationKey(conversation), async () => {
      const record = await sessions.load<unknown>(key);
      if (!isHandoffRecord(record) || record.card.handoffId !== handoffId) return null;
      const { save, step } = await change(record);
      if (save) {
        await sessions.save(key, record, keepSeconds);
        await this.afterSave(record);
      }
      return step ?? null;
    });
  }

  /** Marks that a job must post the backlog (scheduled by afterSave, once the record is saved). */
  private queue(record: HandoffRecord, delayMs = 0): void {
    if (this.pendingJobs.has(record)) return;
    const sync = syncOf(record);
    sync.jobs += 1;
    // A fresh key per job: a job that is running right now must not swallow the next one.
    this.pendingJobs.set(record, { key: `${DESK_JOB}:${record.card.handoffId}:${sync.jobs}`, runAt: this.options.clock.now() + delayMs });
  }

  private failed(record: HandoffRecord, error: unknown, message: string): void {
    this.options.health.failed(error);
    this.options.logger.warn({ err: (error as Error)?.message, desk: this.options.desk.kind, handoff: record.card.handoffId }, message);
  }
}

function syncOf(record: HandoffRecord): NonNullable<HandoffRecord['deskSync']> {
  return (record.deskSync ??= { jobs: 0, failures: 0 });
}
