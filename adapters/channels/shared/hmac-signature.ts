// The HMAC-SHA256 helpers every marketplace channel signs and verifies with. Verification compares
// digests in constant time (crypto.timingSafeEqual), so a forger learns nothing from response times.

import { createHmac, timingSafeEqual } from 'node:crypto';

/** Hex HMAC-SHA256 of `data` (a string is taken as UTF-8; a Buffer as the bytes received). */
export function hmacSha256Hex(key: string, data: string | Buffer): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/** HMAC-SHA256 over several parts, as if concatenated: the raw body is never copied into a string. */
export function hmacSha256HexOf(key: string, parts: (string | Buffer)[]): string {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

/**
 * True when `given` is the hex digest `expected`, compared in constant time. Case-insensitive only
 * when asked (a platform that documents "hex" without a case); a missing header is never equal.
 */
export function sameHexDigest(given: string | undefined, expected: string, options: { ignoreCase?: boolean } = {}): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(options.ignoreCase ? given.trim().toLowerCase() : given.trim(), 'utf8');
  const b = Buffer.from(options.ignoreCase ? expected.toLowerCase() : expected, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch is a plain "no" (the length is public anyway).
  return a.length === b.length && timingSafeEqual(a, b);
}
