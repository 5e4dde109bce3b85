// The hand-off settings the core reads (config/default.yaml, section `handoff`; docs/handoff.md).
// Declared here, not in config/, because the core imports nothing from outside dialogs/.

import type { HandoffReason } from '../messages.ts';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface BusinessHours {
  /** Days agents work, in the shop's time zone. */
  days: Weekday[];
  /** "HH:MM", 24-hour, shop time; `opens` before `closes`. */
  opens: string;
  closes: string;
}

/** Which queue a hand-off goes to; the first rule that matches wins, in this order. */
export interface HandoffRouting {
  /** By the reason the bot handed off, e.g. complaint → complaints. */
  byReason: Partial<Record<HandoffReason, string>>;
  /** By the flow that handed off, e.g. return_refund → aftersale. */
  byFlow: Record<string, string>;
  /** When the conversation is about an order. */
  withOrder: string;
  /** Everything else. */
  default: string;
}

export interface HandoffSettings {
  /** An agent's thread message starting with this stays internal (a note), e.g. "//". */
  noteMarker: string;
  /** Nobody claimed after this many seconds → the buyer is told the expected wait. 0 turns it off. */
  unclaimedNoticeSeconds: number;
  /** The wait the buyer is told, in minutes. */
  expectedWaitMinutes: number;
  /** How long a hand-off's record (thread, who claimed) is kept, in seconds. */
  keepSeconds: number;
  /** When agents work; null means always. */
  businessHours: BusinessHours | null;
  /** IANA time zone of the shop (shop.timezone). */
  timezone: string;
  routing: HandoffRouting;
  /** Flows an agent may hand the buyer back into ("Back to bot, then …"); none when absent. */
  resumeFlows?: string[];
}
