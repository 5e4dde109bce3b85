// The outgoing-robot callback's signature, checked against the algorithm as DingTalk documents it
// (computed here independently with node:crypto) and against hostile variations.

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyCallbackSignature } from '../../../adapters/agent-desk/dingtalk/callback-signature.ts';

const SECRET = 'Xn3k-app-secret_for_tests';
const NOW = 1_764_580_000_000;

/** DingTalk's documented sign: base64(HmacSHA256(appSecret, timestamp + "\n" + appSecret)). */
function dingtalkSign(timestamp: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

describe('outgoing-robot callback signature', () => {
  it('accepts a request signed as DingTalk signs it', () => {
    const ts = String(NOW - 1000);
    expect(verifyCallbackSignature({ timestamp: ts, sign: dingtalkSign(ts) }, SECRET, NOW)).toEqual({ ok: true });
  });

  it('accepts a timestamp up to five minutes either side, and refuses one beyond (DingTalk allows an hour)', () => {
    const window = 5 * 60 * 1000;
    for (const ts of [NOW - window, NOW + window]) {
      expect(verifyCallbackSignature({ timestamp: String(ts), sign: dingtalkSign(String(ts)) }, SECRET, NOW).ok).toBe(true);
    }
    for (const ts of [NOW - window - 1, NOW + window + 1, NOW - 30 * 60 * 1000, NOW - 60 * 60 * 1000]) {
      const check = verifyCallbackSignature({ timestamp: String(ts), sign: dingtalkSign(String(ts)) }, SECRET, NOW);
      expect(check).toEqual({ ok: false, reason: 'timestamp is more than five minutes away' });
    }
  });

  it('refuses a sign made with another secret, for another timestamp, or altered', () => {
    const ts = String(NOW);
    const good = dingtalkSign(ts);
    expect(verifyCallbackSignature({ timestamp: ts, sign: dingtalkSign(ts, 'other') }, SECRET, NOW).ok).toBe(false);
    expect(verifyCallbackSignature({ timestamp: ts, sign: dingtalkSign(String(NOW - 1)) }, SECRET, NOW).ok).toBe(false);
    expect(verifyCallbackSignature({ timestamp: ts, sign: good.slice(0, -2) }, SECRET, NOW).ok).toBe(false);
    expect(verifyCallbackSignature({ timestamp: ts, sign: `${good}=` }, SECRET, NOW).ok).toBe(false);
    expect(verifyCallbackSignature({ timestamp: ts, sign: `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}` }, SECRET, NOW).ok).toBe(false);
  });

  it('refuses missing, repeated and non-numeric headers', () => {
    const ts = String(NOW);
    expect(verifyCallbackSignature({ sign: dingtalkSign(ts) }, SECRET, NOW).ok).toBe(false);
    expect(verifyCallbackSignature({ timestamp: ts }, SECRET, NOW).ok).toBe(false);
    expect(verifyCallbackSignature({ timestamp: [ts, ts], sign: dingtalkSign(ts) }, SECRET, NOW).ok).toBe(false);
    for (const odd of ['1.764e12', ` ${ts}`, `${ts}abc`, '-1', '', '9'.repeat(40)]) {
      expect(verifyCallbackSignature({ timestamp: odd, sign: dingtalkSign(odd) }, SECRET, NOW).ok, odd).toBe(false);
    }
  });
});
