// Checks shared by every store adapter, memory and Redis alike, so both reject the same bad input
// the same way (a contract test could not pass otherwise). Keys and TTLs reach the stores from
// platform payloads via the core, so they are treated as untrusted.

/** Longest key a store accepts; real keys (channel + account + buyer id) are far shorter. */
export const MAX_STORE_KEY_LENGTH = 1024;

/** Longest TTL a store accepts: 2^31-1 seconds (68 years) is beyond any real use and safe for every backend. */
const MAX_TTL_SECONDS = 2 ** 31 - 1;

/** Throws a TypeError/RangeError unless `key` is a non-empty string of at most MAX_STORE_KEY_LENGTH characters. */
export function checkStoreKey(key: unknown, what = 'key'): asserts key is string {
  if (typeof key !== 'string') throw new TypeError(`${what} must be a string`);
  if (key.length === 0) throw new RangeError(`${what} must not be empty`);
  if (key.length > MAX_STORE_KEY_LENGTH) {
    throw new RangeError(`${what} is longer than ${MAX_STORE_KEY_LENGTH} characters`);
  }
}

/**
 * Whole seconds for a TTL given in seconds. Redis SET EX takes whole seconds only, so fractions round
 * up (an entry never expires earlier than asked); the memory stores round the same way to match.
 */
export function ttlWholeSeconds(ttlSeconds: unknown, what = 'ttlSeconds'): number {
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`${what} must be a positive number of seconds`);
  }
  const whole = Math.ceil(ttlSeconds);
  if (whole > MAX_TTL_SECONDS) throw new RangeError(`${what} is too large`);
  return whole;
}

/** A positive whole number of milliseconds for a constructor option, or the default when absent. */
export function positiveMs(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${what} must be a positive number of milliseconds`);
  return Math.ceil(value);
}

/** JSON text of a session value; throws a TypeError for values JSON cannot carry at all (undefined, a function). */
export function sessionJson(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError('session value is not JSON-serialisable');
  return json;
}

/** A sender's number for a message (TurnOrder): a whole number from 1. */
export function checkSequence(order: { sequence: unknown } | undefined): void {
  if (order === undefined) return;
  if (typeof order.sequence !== 'number' || !Number.isSafeInteger(order.sequence) || order.sequence < 1) throw new RangeError('sequence must be a whole number from 1');
}
