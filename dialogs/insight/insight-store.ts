// The port the merchant-insight core keeps its numbers in: rolling counters in minute and hour
// buckets, the conversations still open (to tell "resolved", "handed off" and "abandoned" apart once
// they go quiet), pre-sale buyers (to credit orders to the bot) and the messages the bot did not
// understand (for the robot trainer). Redis implements it in production, memory when Redis is off;
// test/contracts/insight-store.test.ts runs both.

export type Granularity = 'minute' | 'hour';

export const BUCKET_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000 };

/** The bucket a moment falls in: whole minutes (or hours) since the epoch. */
export function bucketOf(at: number, granularity: Granularity): number {
  return Math.floor(at / BUCKET_MS[granularity]);
}

/** Which counter family: totals by name ("turns", "intent:ask_size") or buyers' phrases. */
export type CounterFamily = 'counts' | 'phrases';

/** What is known about a conversation that has not gone quiet yet. */
export interface OpenConversation {
  /** channel:conversationId */
  key: string;
  channel: string;
  buyerId: string;
  firstAt: number;
  lastAt: number;
  /** The last turn's outcome (TurnEvent['outcome']). */
  lastOutcome: string;
  /** The reason of the first hand-off, when a person took over. */
  handoffReason: string | null;
  /** At least one turn had a pre-sale intent. */
  presale: boolean;
}

/** What one turn tells about its conversation (see noteTurns). */
export interface ConversationTurn {
  /** channel:conversationId */
  key: string;
  channel: string;
  buyerId: string;
  at: number;
  outcome: string;
  handoffReason: string | null;
  /** The turn had a pre-sale intent. */
  presale: boolean;
}

/**
 * A conversation's state after a turn, from its state before (null when not open): the first turn's
 * time and the first hand-off reason are kept, the last time is the later one, the outcome is the
 * turn's, and once pre-sale a conversation stays so. The Redis store does the same in Lua.
 */
export function mergeTurn(previous: OpenConversation | null, turn: ConversationTurn): OpenConversation {
  return {
    key: turn.key,
    channel: turn.channel,
    buyerId: turn.buyerId,
    firstAt: previous?.firstAt ?? turn.at,
    lastAt: Math.max(previous?.lastAt ?? 0, turn.at),
    lastOutcome: turn.outcome,
    handoffReason: previous?.handoffReason ?? turn.handoffReason ?? null,
    presale: Boolean(previous?.presale) || turn.presale,
  };
}

/** The key pre-sale buyers are remembered under (markPresaleBuyer, lastPresale). */
export function presaleBuyerKey(buyer: { channel: string; buyerId: string }): string {
  return `${buyer.channel}:${buyer.buyerId}`;
}

export interface MisunderstoodMessage {
  text: string;
  at: number;
  language: string;
}

export interface InsightStore {
  /**
   * Adds to the counters of the minute and the hour `at` falls in (atomically per bucket, so many
   * processes may add at once). Buckets expire by themselves.
   */
  add(at: number, family: CounterFamily, increments: Record<string, number>): Promise<void>;
  /** The counters of buckets from..to (inclusive, bucket numbers), one record per bucket, in order. */
  read(family: CounterFamily, granularity: Granularity, from: number, to: number): Promise<Record<string, number>[]>;

  /**
   * Merges turns, in order, into their conversations' open states (mergeTurn below) and files each
   * conversation under its last message time for takeQuietConversations, as one atomic step: two
   * processes noting turns of one conversation at once lose no update, and exactly one of them is
   * told it is new. Also marks buyers pre-sale for the turns that are (as markPresaleBuyer, sent
   * with it, not after). Resolves to one flag per turn: true when its conversation was not open
   * before that turn.
   */
  noteTurns(turns: readonly ConversationTurn[], presale?: { keepMs: number }): Promise<boolean[]>;
  /** The state of an open conversation, or null. */
  openConversation(key: string): Promise<OpenConversation | null>;
  /**
   * Takes conversations quiet since before `quietSince` out of the open set, at most `limit`.
   * Each is handed to exactly one caller, also across processes.
   */
  takeQuietConversations(quietSince: number, limit: number): Promise<OpenConversation[]>;

  /** Remembers that the buyer had a pre-sale conversation at `at` (forgotten after `keepMs`). */
  markPresaleBuyer(buyerKey: string, at: number, keepMs: number): Promise<void>;
  /** When the buyer last had a pre-sale conversation, or null (none, or forgotten). */
  lastPresale(buyerKey: string): Promise<number | null>;
  /** True the first time a key is claimed within `keepMs` (e.g. an order id reported twice). */
  claimOnce(key: string, keepMs: number): Promise<boolean>;

  /** Keeps a message the bot did not understand; only the newest `keep` are kept. */
  keepMisunderstood(message: MisunderstoodMessage, keep: number): Promise<void>;
  listMisunderstood(): Promise<MisunderstoodMessage[]>;
  /** Removes kept messages with these texts (once taught to the bot). */
  forgetMisunderstood(texts: string[]): Promise<void>;
}
