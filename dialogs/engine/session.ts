// What Kefu remembers about one conversation between messages. Stored as JSON in the session
// store (memory or Redis), so it holds plain data only, and carries a version for migrations.

import type { ProvenOrder } from '../commerce/buyer-orders.ts';
import type { ConversationRef, HandoffReason, Language, MessageContext, Turn } from '../messages.ts';

/** Where a flow stands: the next step's position and the values gathered so far. */
export interface FlowRun {
  flow: string;
  /**
   * Position of the next step: an index into the flow's steps, then for each nested branch the
   * branch taken and an index into it, e.g. [2, "then", 0].
   */
  pc: (number | 'then' | 'else')[];
  vars: Record<string, unknown>;
  /** The slot the bot asked for and is waiting on, with the wrong answers so far. */
  asking: { slot: string; retries: number } | null;
  /** Fingerprint of the flow's definition when the run started; a reload that changes it restarts the run. */
  version?: string;
  /** The turn (session.turnCount) in which the run started. */
  startedAt?: number;
  /** For a flow put aside: the turn in which the buyer was offered the way back (offered once only). */
  offeredAt?: number;
  /** Buttons an action offered for the question being asked (e.g. the buyer's orders), shown again on a re-ask. */
  offer?: { title: string; payload: string }[];
}

export interface Session {
  version: 1;
  language: Language;
  run: FlowRun | null;
  /** Flows interrupted by another question, newest last; the buyer is offered the way back. */
  suspended: FlowRun[];
  /** Product or order the buyer is writing about (from the channel or the conversation). */
  context: MessageContext;
  /**
   * The product page the channel last said the buyer writes from. Channels send it with every
   * message; it replaces a product the buyer named only when the page changes.
   */
  pageProductId?: string;
  /** The flow that last ran to its end, for "再来一个" / "another one". */
  lastFlow?: string;
  /** Messages in a row the bot did not understand. */
  misses: number;
  handoff: { reason: HandoffReason; since: number } | null;
  turns: Turn[];
  turnCount: number;
  updatedAt: number;
  /**
   * Who the session was built for ("guest", or the buyer the channel vouched for). A message
   * under another identity (a token expired, another buyer signed in on the same page) drops
   * what the session knows about orders before anything runs.
   */
  identity?: string;
  /** The one order a guest conversation has proven, with its owner (dialogs/commerce/buyer-orders.ts). */
  provenOrder?: ProvenOrder;
  /** What actions remember across turns and flows (ActionResult.remember), e.g. the last product search. */
  memory?: Record<string, unknown>;
  /**
   * Ids of sends that answer no request (a desk event, a reminder) already written into `turns`,
   * newest last, at most MAX_KEPT_DELIVERIES: the same send retried after a crash adds nothing.
   */
  deliveries?: string[];
}

/** Later sends remembered per session (see Session.deliveries): far more than are ever retried. */
export const MAX_KEPT_DELIVERIES = 50;

/** Action memory is for small things (a search's filters and shown ids): a larger one is not kept. */
export const MAX_MEMORY_CHARS = 4096;

/** The identity a session is bound to (see Session.identity). */
export function identityOf(conversation: ConversationRef): string {
  return conversation.guest ? 'guest' : `buyer:${conversation.channel}:${conversation.buyerId}`;
}

/**
 * The session is about to serve another identity: forget what it knows about orders. A proven
 * order always goes. Leaving a buyer the channel vouched for (or a session from before sessions
 * were bound to one) also drops the running flows, whose variables may hold that buyer's order and
 * address, and the order in context; a guest's flows hold nothing a guest could not see, so a guest
 * who signs in mid-question carries on.
 */
export function forgetOrders(session: Session): void {
  const leaving = session.identity;
  delete session.provenOrder;
  if (leaving === 'guest') return;
  session.run = null;
  session.suspended = [];
  delete session.context.orderId;
}

export const MAX_SUSPENDED_FLOWS = 3;

export function newSession(language: Language, now: number): Session {
  return {
    version: 1,
    language,
    run: null,
    suspended: [],
    context: {},
    misses: 0,
    handoff: null,
    turns: [],
    turnCount: 0,
    updatedAt: now,
  };
}

/** A stored value that is not a session we understand is replaced, never trusted. */
export function isSession(value: unknown): value is Session {
  const s = value as Session | null;
  return (
    typeof s === 'object' && s !== null && s.version === 1 && typeof s.language === 'string' &&
    Array.isArray(s.turns) && Array.isArray(s.suspended) && typeof s.turnCount === 'number'
  );
}

/** A transcript turn keeps at most this many characters (hand-off cards need the gist, not essays). */
export const MAX_TURN_TEXT = 1000;

/**
 * Appends turns to a session's transcript, each cut to MAX_TURN_TEXT (empty ones skipped), and
 * keeps the last `keep`. The one way every writer of the transcript adds to it.
 */
export function appendTurns(session: Session, turns: Turn[], keep: number): void {
  for (const turn of turns) {
    if (turn.text) session.turns.push({ ...turn, text: turn.text.slice(0, MAX_TURN_TEXT) });
  }
  if (session.turns.length > keep) session.turns.splice(0, session.turns.length - keep);
}

/**
 * Appends the turns of a send that answers no request, once per `deliveryId`: false (and nothing
 * added) when the session already holds that send's turns.
 */
export function appendDeliveredTurns(session: Session, turns: Turn[], keep: number, deliveryId: string): boolean {
  if (session.deliveries?.includes(deliveryId)) return false;
  appendTurns(session, turns, keep);
  session.deliveries = [...(session.deliveries ?? []), deliveryId].slice(-MAX_KEPT_DELIVERIES);
  return true;
}
