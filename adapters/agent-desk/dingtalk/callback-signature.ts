// Verifies that an outgoing-robot HTTP callback (机器人回调) really comes from DingTalk.
// DingTalk sends two headers: `timestamp` (milliseconds since the epoch) and
// `sign` = base64(HMAC-SHA256(key = appSecret, message = timestamp + "\n" + appSecret)).
// A request is genuine only when both hold: the timestamp is near our clock and the sign matches
// (DingTalk, "接收消息的消息协议" / Receive messages, https://open.dingtalk.com/document/orgapp/receive-message:
// "timestamp 与系统当前时间戳如果相差1小时以上，则认为是非法的请求"; sign = Base64(HmacSHA256(appSecret,
// timestamp + "\n" + appSecret))). DingTalk allows an hour; Kefu allows five minutes, since DingTalk
// signs a request when it sends it and only clock drift separates the two. The sign covers the
// timestamp only, not the body, so the route also accepts each pair once (callback-sign-once.ts).

import { createHmac, timingSafeEqual } from 'node:crypto';

/** Kefu's window (DingTalk documents an hour): a timestamp more than five minutes from now is refused. */
export const CALLBACK_MAX_SKEW_MS = 5 * 60 * 1000;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** The sign DingTalk computes for a timestamp (as the header's text) and an app secret. */
export function callbackSign(timestamp: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`, 'utf8').digest('base64');
}

export function verifyCallbackSignature(
  headers: { timestamp?: string | string[]; sign?: string | string[] },
  appSecret: string,
  now: number,
): SignatureCheck {
  const timestamp = headers.timestamp;
  const sign = headers.sign;
  if (typeof timestamp !== 'string' || typeof sign !== 'string') return { ok: false, reason: 'missing timestamp or sign header' };
  // Digits only: the header is signed as text, so "0001700000000000" and "1.7e12" must not pass as a time.
  if (!/^\d{10,16}$/.test(timestamp)) return { ok: false, reason: 'timestamp is not milliseconds since the epoch' };
  if (Math.abs(now - Number(timestamp)) > CALLBACK_MAX_SKEW_MS) return { ok: false, reason: 'timestamp is more than five minutes away' };
  const expected = Buffer.from(callbackSign(timestamp, appSecret), 'utf8');
  const given = Buffer.from(sign, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch says nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'sign does not match' };
  return { ok: true };
}
