// What a marketplace adapter makes of a verified push, and the small readers every adapter uses.

import type { InboundMessage } from '../../../dialogs/messages.ts';

/** What the platform says about the shop's authorisation of the app (an expiry alert, a revocation). */
export interface AuthorizationNotice {
  /** When the authorisation ends (ms since the epoch), when the platform says. */
  endsAt?: number;
  /** True when the seller has already withdrawn the authorisation. */
  revoked?: boolean;
  /** What the platform said, for the log and /admin (no personal data: ids and dates only). */
  detail: string;
}

export type PushReading =
  /** A buyer's message for the bot. `sentAt` (ms) is the push's own time, checked against the replay window. */
  | { kind: 'message'; message: InboundMessage; sentAt: number }
  /** Acknowledged and not handled: a seller's or system message, a push type the bot does not read. */
  | { kind: 'ignored'; reason: string }
  /** The buyer took a message back: it must not be answered (if it is still waiting, it is dropped). */
  | { kind: 'recalled'; messageId: string }
  /** The authorisation nears its end or was withdrawn: the merchant is alerted. */
  | { kind: 'authorization'; notice: AuthorizationNotice }
  /**
   * Signed by the platform but not in a shape Kefu knows. Acknowledged anyway (delivering it again
   * would not change its shape, and a failed push counts against the app's push success rate) and
   * logged once per shape with the fields seen (shared/unknown-shapes.ts).
   */
  | { kind: 'unreadable'; reason: string; fields: string[] };

/** An id as platforms send them (a string, or a number within the safe range), or null. */
export function idOf(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0 && value.length <= 128) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return null;
}

/** The first of several alternative fields that holds an id (a documented name first, then likely others). */
export function firstIdOf(...values: unknown[]): string | null {
  for (const value of values) {
    const id = idOf(value);
    if (id) return id;
  }
  return null;
}

/** A JSON object carried as a string (the content of IM messages), or null. */
export function parseJsonString(content: unknown): Record<string, unknown> | null {
  if (typeof content !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(content);
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A platform time as milliseconds since the epoch: seconds or milliseconds (told apart by size), as a
 * number or a numeric string (TikTok writes some times as strings); null when absent or unreadable.
 */
export function timeOf(value: unknown): number | null {
  const number = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) return null;
  return number > 1e12 ? number : number * 1000;
}

/** How far ahead of Kefu's clock a push may be dated (the platform's clock may run fast). */
export const MAX_FUTURE_SKEW_MS = 300_000;

/**
 * Whether a message push is recent enough to be answered. A replayed push inside the window is a
 * duplicate message id and handled once; outside it, it is refused, so a captured push can never be
 * replayed into a second answer. Five minutes of clock skew into the future are tolerated.
 */
export function pushAge(sentAt: number, now: number, maxAgeSeconds: number): 'fresh' | 'stale' {
  const ageMs = now - sentAt;
  return ageMs > maxAgeSeconds * 1000 || ageMs < -MAX_FUTURE_SKEW_MS ? 'stale' : 'fresh';
}

/**
 * How much longer (ms from now) a fresh push could still be accepted: until its own time leaves the
 * window, sentAt + maxAge. For a push dated ahead that is later than now + maxAge, so its "seen" mark
 * must be kept that long, not counted from its arrival (channel-state.ts, enqueue).
 */
export function pushAcceptedForMs(sentAt: number, now: number, maxAgeSeconds: number): number {
  return Math.max(0, sentAt + maxAgeSeconds * 1000 - now);
}

/** The dotted paths of the fields in a push (names only, never values), for logging an unknown shape. */
export function fieldsOf(value: unknown, prefix = '', depth = 0, out: string[] = []): string[] {
  if (!isObject(value) || depth > 3 || out.length >= 60) return out;
  for (const key of Object.keys(value).sort()) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.push(path);
    fieldsOf(value[key], path, depth + 1, out);
  }
  return out;
}

/** An unreadable reading with the fields of the push it came from. */
export function unreadable(reason: string, push: unknown): PushReading {
  return { kind: 'unreadable', reason, fields: fieldsOf(push) };
}
