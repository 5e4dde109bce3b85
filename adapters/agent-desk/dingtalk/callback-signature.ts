// Verifies that an outgoing-robot HTTP callback (机器人回调) really comes from DingTalk.
// DingTalk sends two headers: `timestamp` (milliseconds since the epoch) and
// `sign` = base64(HMAC-SHA256(key = appSecret, message = timestamp + "\n" + appSecret)).
// A request is genuine only when both hold: the timestamp is within an hour of our clock and the
// sign matches. The sign covers the timestamp only, not the body, so a captured request can be
// replayed within the hour: the caller also dedupes on the message's msgId.

import { createHmac, timingSafeEqual } from 'node:crypto';

/** DingTalk's documented window: a timestamp more than an hour away from now is refused. */
export const CALLBACK_MAX_SKEW_MS = 60 * 60 * 1000;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** The sign DingTalk computes for a timestamp (as the header's text) and an app secret. */
export function callbackSign(timestamp: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`, 'utf8').digest('base64');
}

export function verifyCallbackSignature(
  headers: { timestamp?: string | string[]; sign?: string | string[] },
  appSecret: string,
  now: number,
  maxSkewMs = CALLBACK_MAX_SKEW_MS,
): SignatureCheck {
  const timestamp = headers.timestamp;
  const sign = headers.sign;
  if (typeof timestamp !== 'string' || typeof sign !== 'string') return { ok: false, reason: 'missing timestamp or sign header' };
  // Digits only: the header is signed as text, so "0001700000000000" and "1.7e12" must not pass as a time.
  if (!/^\d{10,16}$/.test(timestamp)) return { ok: false, reason: 'timestamp is not milliseconds since the epoch' };
  if (Math.abs(now - Number(timestamp)) > maxSkewMs) return { ok: false, reason: 'timestamp is more than an hour away' };
  const expected = Buffer.from(callbackSign(timestamp, appSecret), 'utf8');
  const given = Buffer.from(sign, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch says nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'sign does not match' };
  return { ok: true };
}
