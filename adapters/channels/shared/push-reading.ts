// What a marketplace adapter makes of a verified push, and the small readers every adapter uses.

import type { InboundMessage } from '../../../dialogs/messages.ts';

export type PushReading =
  | { kind: 'message'; message: InboundMessage }
  /** Acknowledged and not handled: a seller's or system message, a push type the bot does not read. */
  | { kind: 'ignored'; reason: string }
  /** Signed correctly but not in the documented shape: answered 400. */
  | { kind: 'invalid'; reason: string };

/** An id as platforms send them (a string, or a number within the safe range), or null. */
export function idOf(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0 && value.length <= 128) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
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
 * Whether a push's timestamp (seconds, or milliseconds when that large) is recent enough. A replayed
 * push inside the window is a duplicate message id and handled once; outside it, it is refused, so a
 * captured push can never be replayed into a second answer.
 */
export function pushAge(timestamp: unknown, now: number, maxAgeSeconds: number): 'fresh' | 'stale' | 'missing' {
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp <= 0) return 'missing';
  const atMs = timestamp > 1e12 ? timestamp : timestamp * 1000;
  const ageMs = now - atMs;
  // Five minutes of clock skew into the future are tolerated.
  return ageMs > maxAgeSeconds * 1000 || ageMs < -300_000 ? 'stale' : 'fresh';
}
