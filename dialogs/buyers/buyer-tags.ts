// Buyer tags (docs/buyer-tags.md): what conversations and orders say about a buyer (price-sensitive,
// size-sensitive, a night shopper, a repeat buyer…), from the merchant's rules in the flow files'
// `buyer_tags:` part. A rule counts the buyer's matching signals; the tag holds while at least
// `count` of them fall within the last `keepDays` days, and is forgotten with them.
// What is stored per buyer: the times of the latest `count` signals of each rule, nothing else
// (no text), under a key that expires `keepDays` after the last signal.

import { DateTime } from 'luxon';
import type { LocalText } from '../messages.ts';

/** A rule of the `buyer_tags:` part, as written in the flow files. */
export interface BuyerTagRule {
  label: LocalText;
  /** Signals that count: any one of them. */
  when: {
    /** A turn recognised as one of these intents. */
    intents?: string[];
    /** A turn handed to a person for one of these reasons (complaint, negative_sentiment, …). */
    handoffReasons?: string[];
    /** A turn written in these hours of the shop's day, "HH:MM-HH:MM" (may cross midnight). */
    hours?: string;
    /** An order placed (order events). */
    orderPlaced?: boolean;
  };
  /** How many signals make the tag (default 1). */
  count?: number;
  /** How long a signal counts, in days (default 90). */
  keepDays?: number;
}

export type BuyerTagRules = ReadonlyMap<string, BuyerTagRule>;

export const DEFAULT_TAG_COUNT = 1;
export const DEFAULT_TAG_KEEP_DAYS = 90;
const DAY_MS = 86_400_000;

/** Signals per tag: times in ms, newest last. */
export type BuyerSignals = Record<string, number[]>;

/** One signal to note: of which tag, and how many of its newest signals to keep. */
export interface TagSignal {
  tag: string;
  keepLast: number;
}

/** The buyer's signals just before and just after a note, read in the same atomic step as it. */
export interface NotedSignals {
  before: BuyerSignals;
  after: BuyerSignals;
}

/** Where buyers' signals are kept (memory or Redis); keys are channel-and-buyer keys (buyerKey). */
export interface BuyerTagStore {
  /**
   * Adds a signal at `at` for each of `signals` (keeping the newest `keepLast` of each tag) and keeps
   * the buyer's record `keepSeconds` from now, in one atomic step; answers the buyer's signals just
   * before and just after it, so a caller can tell which tags this note made the buyer gain, also
   * while another process notes signals of the same buyer.
   */
  note(buyer: string, signals: readonly TagSignal[], at: number, keepSeconds: number): Promise<NotedSignals>;
  signals(buyer: string): Promise<BuyerSignals>;
  /** Deletes everything kept about the buyer (the admin API, for privacy). */
  forget(buyer: string): Promise<void>;
}

/** The buyer's key in the tag store: the channel's buyer, not the conversation (a buyer's tags follow them). */
export function buyerKey(buyer: { channel: string; buyerId: string }): string {
  return `${buyer.channel}:${buyer.buyerId}`;
}

export function tagCount(rule: BuyerTagRule): number {
  return rule.count ?? DEFAULT_TAG_COUNT;
}

export function tagKeepMs(rule: BuyerTagRule): number {
  return (rule.keepDays ?? DEFAULT_TAG_KEEP_DAYS) * DAY_MS;
}

/** The tags the buyer holds now, in the rules' order; a tag whose rule is gone is not held. */
export function heldTags(rules: BuyerTagRules, signals: BuyerSignals, now: number): string[] {
  const held: string[] = [];
  for (const [name, rule] of rules) {
    const recent = (signals[name] ?? []).filter((at) => at > now - tagKeepMs(rule) && at <= now);
    if (recent.length >= tagCount(rule)) held.push(name);
  }
  return held;
}

/** "HH:MM-HH:MM" → minutes of the day [from, to); null when malformed. */
export function parseHours(hours: string): { from: number; to: number } | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(hours);
  if (!match) return null;
  const from = Number(match[1]) * 60 + Number(match[2]);
  const to = Number(match[3]) * 60 + Number(match[4]);
  return from === to ? null : { from, to };
}

/** Whether minute-of-day `minute` is within the hours (which may cross midnight). */
export function withinHours(hours: { from: number; to: number }, minute: number): boolean {
  return hours.from < hours.to ? minute >= hours.from && minute < hours.to : minute >= hours.from || minute < hours.to;
}

/** Offsets from UTC change (summer time) only at whole quarter hours of UTC, so one per quarter. */
const QUARTER_HOUR_MS = 15 * 60 * 1000;
const DAY_MINUTES = 24 * 60;

/**
 * The shop's local minute of the day, for rules by hours. Luxon's zone maths on every message was
 * 2 % of a busy server's CPU; the offset from UTC is looked up once per quarter hour instead.
 */
export class ShopClock {
  private offset = { quarter: Number.NaN, minutes: 0 };

  constructor(private readonly timezone: string) {}

  minuteOfDay(at: number): number {
    const quarter = Math.floor(at / QUARTER_HOUR_MS);
    if (quarter !== this.offset.quarter) {
      this.offset = { quarter, minutes: DateTime.fromMillis(quarter * QUARTER_HOUR_MS, { zone: this.timezone }).offset };
    }
    const minutes = Math.floor(at / 60_000) + this.offset.minutes;
    return ((minutes % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
  }
}
