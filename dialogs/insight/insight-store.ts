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

  /** Remembers a conversation's state after a turn (replacing the previous state). */
  saveOpenConversation(conversation: OpenConversation): Promise<void>;
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
