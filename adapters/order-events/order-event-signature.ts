// How a shop signs the order events it posts to Kefu (docs/reminders.md shows it in shell and Node):
//
//   X-Kefu-Timestamp: <unix time in seconds>
//   X-Kefu-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body bytes>")>
//
// The timestamp is inside the signature, so an old request cannot be passed off as new: Kefu takes
// it only within 5 minutes of its own clock (either way), and remembers event ids far longer than
// that, so a captured request replayed within the window is handled once at most. The HMAC covers
// the exact bytes sent — Kefu checks it before parsing them — and is compared in constant time.

import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-kefu-signature';
export const TIMESTAMP_HEADER = 'x-kefu-timestamp';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signOrderEvent(secret: string, timestampSeconds: number | string, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestampSeconds}.`);
  hmac.update(rawBody);
  return `sha256=${hmac.digest('hex')}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export interface SignatureInput {
  secret: string;
  timestamp: string | string[] | undefined;
  signature: string | string[] | undefined;
  rawBody: Buffer;
  nowMs: number;
}

export function verifyOrderEventSignature(input: SignatureInput): SignatureCheck {
  const { timestamp, signature } = input;
  if (timestamp === undefined || signature === undefined) return { ok: false, reason: 'missing X-Kefu-Timestamp or X-Kefu-Signature header' };
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Kefu-Timestamp must be unix time in seconds' };
  if (typeof signature !== 'string' || !/^sha256=[0-9a-fA-F]{64}$/.test(signature)) return { ok: false, reason: 'X-Kefu-Signature must be sha256=<64 hex digits>' };
  if (Math.abs(input.nowMs / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, reason: 'X-Kefu-Timestamp is more than 5 minutes away from now; sign the request again' };
  }
  const expected = Buffer.from(signOrderEvent(input.secret, timestamp, input.rawBody).slice('sha256='.length), 'hex');
  const given = Buffer.from(signature.slice('sha256='.length), 'hex');
  if (!timingSafeEqual(expected, given)) return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}
