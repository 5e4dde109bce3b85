// What Kefu keeps about a hand-off, in the session store (Redis in production), so that whichever
// server process receives an agent's event or a buyer's message can act on it:
//   handoff:<conversation key>        the conversation's current hand-off (its card, thread, status)
//   handoff-thread:<desk>:<thread id> which conversation and hand-off a desk thread belongs to

import type { ConversationRef, HandoffReason, Turn } from '../messages.ts';
import type { BuyerMessageLine, HandoffCard, HandoffThread, StatusUpdate } from './handoff-desk.ts';

/** Something the team-chat desk has not been shown yet, because it could not be reached. */
export type DeskBacklogItem = { kind: 'buyer'; line: BuyerMessageLine } | { kind: 'status'; update: StatusUpdate };

export interface HandoffRecord {
  card: HandoffCard;
  /**
   * The hand-off's thread on the team-chat desk; null while the desk could not be reached (the
   * card is posted when it is back: desk-outbox.ts).
   */
  thread: HandoffThread | null;
  /** When the buyer was told the expected wait (at most once per hand-off). */
  waitNoticeAt: number | null;
  /** Lines waiting for the team-chat desk, oldest first (absent: none). */
  backlog?: DeskBacklogItem[];
  /** How posting the backlog goes: jobs scheduled so far, failures in a row, who is posting now. */
  deskSync?: { jobs: number; failures: number; lease?: { owner: string; until: number } };
  /** The agents' internal notes written on Kefu's own desk, oldest first. */
  notes?: { text: string; by: { id: string; name?: string }; at: number }[];
  /**
   * What the buyer and the agent said during the hand-off (buyer texts masked), oldest first. The
   * session's transcript has it too, but a session expires long before its hand-off (a message
   * left at night, answered days later): the card shows these when the session is gone.
   */
  lines?: Turn[];
}

/** Lines kept per hand-off, newest kept. */
export const MAX_HANDOFF_LINES = 50;

export interface ThreadIndexEntry {
  conversation: ConversationRef;
  handoffId: string;
}

export function handoffRecordKey(conversationKey: string): string {
  return `handoff:${conversationKey}`;
}

export function threadIndexKey(thread: HandoffThread): string {
  return `handoff-thread:${thread.desk}:${thread.threadId}`;
}

export function isHandoffRecord(value: unknown): value is HandoffRecord {
  const r = value as HandoffRecord | null;
  return typeof r === 'object' && r !== null && typeof r.card?.handoffId === 'string' && (r.thread === null || typeof r.thread?.threadId === 'string');
}

export function isThreadIndexEntry(value: unknown): value is ThreadIndexEntry {
  const e = value as ThreadIndexEntry | null;
  return typeof e === 'object' && e !== null && typeof e.handoffId === 'string' && typeof e.conversation?.conversationId === 'string';
}

/** The reason in words, for agents. */
export const REASON_LABELS: Record<HandoffReason, string> = {
  asked_for_human: 'Asked for a person',
  not_understood: 'The bot did not understand two messages in a row',
  flow: 'A flow step hands off',
  complaint: 'Complaint',
  negative_sentiment: 'Unhappy buyer (negative sentiment)',
  logistics_exception: 'Logistics exception',
  slot_retries_exhausted: 'The buyer could not answer a question the bot asked',
};

/**
 * The buyer as agents see them: their display name, or their channel id with the middle masked
 * (ids can be phone numbers or e-mail addresses on some channels).
 */
export function buyerLabel(buyerName: string | undefined, buyerId: string): string {
  const name = buyerName?.trim();
  if (name) return name.slice(0, 80);
  if (buyerId.length <= 4) return '…';
  const keep = buyerId.length > 8 ? 3 : 1;
  return `${buyerId.slice(0, keep)}…${buyerId.slice(-keep)}`;
}
