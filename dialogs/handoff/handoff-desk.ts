// The agent-desk port, desk side: what the core asks a team-chat desk (Slack, DingTalk, the
// in-memory queue) to do with a hand-off. A desk adapter is thin: it draws the card and posts
// lines in the thread; every decision (who may claim, what reaches the buyer) is the core's,
// made in dialogs/handoff/handoff-service.ts, which a desk reports agents' actions to through
// the inbound side (dialogs/handoff/agent-events.ts).

import type { ConversationRef, HandoffReason, Language, LocalText, Turn } from '../messages.ts';

/** Where a hand-off lives on a desk: one thread per hand-off. */
export interface HandoffThread {
  /** The desk's kind, e.g. "slack", "dingtalk", "memory". */
  desk: string;
  /**
   * The desk's own id of the thread, unique within the desk (Slack: "<channel>:<thread_ts>";
   * DingTalk: the card's outTrackId). Agents' events name the thread by it.
   */
  threadId: string;
}

/** A person on the desk. */
export interface AgentRef {
  /** The desk's id of the agent (Slack user id, DingTalk staffId). */
  id: string;
  /** Display name when the desk gave one. */
  name?: string;
}

/**
 * Where a hand-off stands:
 *   waiting     opened, nobody has claimed it; the bot keeps quiet, buyer messages go to the thread
 *   claimed     an agent has it; their thread replies reach the buyer
 *   back_to_bot an agent (or the buyer) gave the conversation back to the bot
 *   closed      an agent closed it; the bot has the conversation again
 */
export type HandoffStatus = 'waiting' | 'claimed' | 'back_to_bot' | 'closed';

/** Everything the card at the top of the thread shows; re-sent whole whenever the status changes. */
export interface HandoffCard {
  /** Unique id of this hand-off (a conversation may be handed off many times). */
  handoffId: string;
  /** The queue it was routed to (e.g. presale, aftersale, logistics, complaints): picks the desk's channel. */
  queue: string;
  conversation: ConversationRef;
  /** The buyer's display name, or their channel id masked (e.g. "bu…42"): never a phone number. */
  buyerLabel: string;
  /** The buyer's channel, e.g. "webchat", "lazada". */
  channel: string;
  language: Language;
  reason: HandoffReason;
  /** The reason in words for agents (English), e.g. "Asked for a person". */
  reasonLabel: string;
  /** The flow's own words (a `handoff` step's detail, which step gave up). */
  detail?: string;
  flow?: string;
  orderId?: string;
  productId?: string;
  /** The buyer's tags when the hand-off opened (docs/buyer-tags.md), with their labels. */
  buyerTags?: { name: string; label: LocalText }[];
  /** The last turns of the conversation, oldest first. */
  lastTurns: Turn[];
  openedAt: number;
  /** True when the hand-off opened outside business hours (the buyer was told the hours). */
  afterHours: boolean;
  status: HandoffStatus;
  claimedBy?: AgentRef;
  claimedAt?: number;
  /** Waiting for this agent, named by a colleague who handed it over (Kefu's own desk). */
  assignedTo?: AgentRef;
  /** When an agent's first message reached the buyer (for the first-response figure). */
  firstReplyAt?: number;
  endedAt?: number;
  endedBy?: AgentRef;
}

/** Why the thread gets a status line (the card is re-drawn with `card.status` too). */
export type StatusChange =
  | 'claimed'
  | 'back_to_bot'
  | 'closed'
  /** The buyer pressed "back to the bot" themselves. */
  | 'buyer_back_to_bot'
  /** Nobody claimed in time: the buyer was told the expected wait. */
  | 'wait_notice_sent'
  /** An agent moved it to another queue (`card.queue`); it waits for a claim again. */
  | 'transferred'
  /** An agent handed it to a named colleague (`card.assignedTo`); it waits for them. */
  | 'assigned'
  /** An agent wrote an internal note on Kefu's own desk: the team chat's thread gets it too. */
  | 'note_added';

export interface StatusUpdate {
  change: StatusChange;
  /** The card as it is now (status, claimedBy, …): desks that can edit the card re-draw it. */
  card: HandoffCard;
  by?: AgentRef;
  at: number;
  /** One line for the thread, in English, e.g. "Claimed by Alice." */
  text: string;
}

/** A buyer's message relayed to the thread. */
export interface BuyerMessageLine {
  text: string;
  at: number;
  buyerLabel: string;
}

/**
 * A team-chat desk. Every method may throw when the desk's API fails (after the adapter's own
 * retries, e.g. a 429 honoured with Retry-After): the core then lets the buyer's channel retry.
 */
export interface HandoffDesk {
  /** The desk's kind; equals `HandoffThread.desk` of the threads it opens. */
  readonly kind: string;
  /** Opens the hand-off's thread with the card (and its Claim / Back to bot / Close buttons). */
  openThread(card: HandoffCard): Promise<HandoffThread>;
  /** Posts a buyer's message (sent while a person has the conversation) in the thread. */
  postBuyerMessage(thread: HandoffThread, message: BuyerMessageLine): Promise<void>;
  /** Re-draws the card and posts a status line in the thread. */
  postStatus(thread: HandoffThread, update: StatusUpdate): Promise<void>;
}
