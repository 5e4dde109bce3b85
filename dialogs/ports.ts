// The ports: what the core needs from the outside world, as TypeScript interfaces.
// Implementations live in adapters/ (memory for the embedded default, Redis for production);
// one contract test suite (test/contracts/) runs every implementation.

import type { ConversationRef, HandoffReason, Language, PageKind, Reply, Turn } from './messages.ts';

/** Key-value storage of conversation sessions, with expiry. Values are JSON-serialisable. */
export interface SessionStore {
  load<T>(key: string): Promise<T | null>;
  save(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * "One conversation, one line": runs work for a conversation one at a time, in arrival order,
 * across every process that shares the implementation's backing store.
 */
export interface ConversationLine {
  /**
   * Takes a place in the conversation's line now (arrival order), waits for its turn, runs `work`
   * alone, and gives the turn to the next in line, also when `work` throws.
   * Rejects with LineBusyError when the turn does not come within the implementation's wait limit.
   */
  run<T>(conversationKey: string, work: () => Promise<T>): Promise<T>;
}

export class LineBusyError extends Error {
  constructor(conversationKey: string) {
    super(`conversation ${conversationKey} is busy; try again`);
    this.name = 'LineBusyError';
  }
}

/** What the delivery ledger knows about a message id. */
export type DeliveryClaim =
  | { status: 'new' }
  | { status: 'in_progress' }
  | { status: 'done'; result: string };

/**
 * Remembers which platform message ids were handled, so a retried delivery is handled once
 * and answered with the same result.
 */
export interface DeliveryLedger {
  /** Claims the id for handling; a claim that is never completed lapses after `claimSeconds`. */
  claim(messageKey: string, claimSeconds: number): Promise<DeliveryClaim>;
  /** Records the result of a handled message, kept for `keepSeconds`. */
  complete(messageKey: string, result: string, keepSeconds: number): Promise<void>;
  /** Gives a claim back after a failure, so the platform's retry is handled. */
  release(messageKey: string): Promise<void>;
}

/** A buyer's message as the turn ledger sees it: its conversation's id, and its claim. */
export type TurnClaim = { status: 'new'; token: string } | { status: 'in_progress' } | { status: 'done'; result: string };

/** One handled turn: the conversation's new session and the message's answer, written together. */
export interface TurnCommit {
  /** "<channel>:<conversation id>" (conversationKey). */
  conversationKey: string;
  messageId: string;
  /** The claim this process holds on the message (TurnClaim.token). */
  token: string;
  session: unknown;
  sessionTtlSeconds: number;
  /** The answer, as repeats of the message get it. */
  result: string;
  keepSeconds: number;
}

/**
 * Buyers' messages handled once, with the session and the answer committed in one step (docs/scaling.md,
 * "One commit per turn"). A claim carries a token; the commit writes the session and the stored
 * answer only while that token still holds the message, so a process whose claim lapsed (it was slow,
 * or it was killed and came back) writes nothing, and after a crash a message is either not handled
 * (its retry runs it) or handled with its answer stored (its retry is answered with it).
 */
export interface TurnLedger {
  claim(conversationKey: string, messageId: string, claimSeconds: number): Promise<TurnClaim>;
  /** True when written; false when the claim was lost to another process (nothing is written then). */
  commit(turn: TurnCommit): Promise<boolean>;
  /** Gives the claim back after a failure, only if `token` still holds it. */
  release(conversationKey: string, messageId: string, token: string): Promise<void>;
}

/** A buyer's message whose turn this process holds: its claim and its place at the head of the line. */
export interface HeldTurn {
  conversationKey: string;
  messageId: string;
  /** The claim on the message (as TurnClaim.token). */
  token: string;
  /** The implementation's own handle on the line (a ticket); callers pass it back untouched. */
  place: unknown;
}

/**
 * A message's place in its sender's numbering (InboundMessage.sequence). With `wait`, a message
 * numbered past the next one expected is not begun (TurnStart "early"); without, it is begun and only
 * recorded, so that nothing numbered before it waits for it.
 */
export interface TurnOrder {
  sequence: number;
  wait: boolean;
}

/** What starting a turn found: a repeat (answered from the ledger), a claim held elsewhere, a message that came before its predecessor, or the turn with its session. */
export type TurnStart =
  | { status: 'done'; result: string }
  | { status: 'in_progress' }
  | { status: 'early' }
  | {
    status: 'new';
    turn: HeldTurn;
    session: unknown;
    /** True when the turn came only after another message of the conversation was handled: what was read before begin returned may be out of date. */
    waited: boolean;
  };

/** How a turn ends: the conversation's new session and the message's answer. */
export interface TurnOutcome {
  session: unknown;
  sessionTtlSeconds: number;
  /** The answer, as repeats of the message get it. */
  result: string;
  keepSeconds: number;
}

/**
 * A buyer's turn from end to end, in as few store round trips as the store allows (docs/scaling.md,
 * "Two round trips a message"): `begin` claims the message, takes its place in the conversation's
 * line, waits for its turn and loads the session; `finish` commits the session and the answer (fenced
 * by the claim, as TurnLedger.commit) and hands the turn on; `abandon` gives both back after a failure.
 * On Redis each end is one script; the embedded store runs the three ports one after another.
 */
export interface TurnStore {
  begin(conversationKey: string, messageId: string, claimSeconds: number, order?: TurnOrder): Promise<TurnStart>;
  /**
   * True when committed; false when the claim was lost to another process (nothing written). The turn
   * is handed on either way; when it fails, the claim is given back too (now, or once the store is back).
   */
  finish(turn: HeldTurn, outcome: TurnOutcome): Promise<boolean>;
  /** Gives the claim back (only if it is still this turn's) and hands the turn on. */
  abandon(turn: HeldTurn): Promise<void>;
}

/** Sends replies that are not an answer to a request: an agent's message, a reminder. */
export interface OutboundChannel {
  readonly channel: string;
  /**
   * `deliveryId` names what is sent (a desk event, a reminder), unique within the conversation:
   * a channel that records its sends (the marketplaces, docs/scaling.md) sends nothing twice under
   * one id, so a retry of the event after a crash does not repeat what the buyer already has.
   */
  send(conversation: ConversationRef, replies: Reply[], deliveryId?: string): Promise<void>;
}

/** Everything an agent needs to pick up a conversation. */
export interface HandoffRequest {
  conversation: ConversationRef;
  buyerName?: string;
  language: Language;
  reason: HandoffReason;
  /** Free text from the flow (e.g. which step gave up). */
  detail?: string;
  flow?: string;
  orderId?: string;
  productId?: string;
  lastTurns: Turn[];
  at: number;
}

/** Where hand-offs go: an in-memory queue here, Slack or DingTalk threads in production. */
export interface AgentDesk {
  openHandoff(request: HandoffRequest): Promise<void>;
  /** A buyer's message that arrived while a person has the conversation. */
  relayBuyerMessage(conversation: ConversationRef, text: string, at: number): Promise<void>;
  /** The buyer took the conversation back from a person ("/back_to_bot"); the desk marks the hand-off over. */
  buyerReturnedToBot?(conversation: ConversationRef, at: number): Promise<void>;
  /**
   * The conversation's hand-off that is not over (waiting or with a person), or null. Asked when the
   * buyer's session is gone: a hand-off is kept longer than a session.
   */
  openHandoffOf?(conversation: ConversationRef): Promise<OpenHandoff | null>;
}

/** A hand-off still open for a conversation (AgentDesk.openHandoffOf). */
export interface OpenHandoff {
  reason: HandoffReason;
  since: number;
  language: Language;
}

// The catalog port moved to dialogs/commerce/catalog.ts; re-exported so existing imports keep working.
export type { Catalog, Product, SizeChartRow } from './commerce/catalog.ts';

/** One handled turn, for counters, hot topics and the trainer view. */
export interface TurnEvent {
  conversation: ConversationRef;
  at: number;
  language: Language;
  text: string;
  intent: string | null;
  confidence: number;
  flow: string | null;
  outcome: 'answered' | 'asked' | 'not_understood' | 'handed_off' | 'cancelled' | 'relayed' | 'completed';
  /** Lexicon sentiment score of the buyer's text (below 0 unhappy); absent when not scored. */
  sentiment?: number;
  /** Why the conversation was handed to a person, when this turn did. */
  handoffReason?: HandoffReason;
  /** The kind of page the buyer wrote from, when known (counted for the most-asked chips). */
  page?: PageKind;
}

export interface EventSink {
  record(event: TurnEvent): void;
}

export interface Clock {
  now(): number;
}

/** The subset of pino's interface the core uses, so any structured logger fits. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
