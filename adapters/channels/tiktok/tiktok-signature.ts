// TikTok Shop's two signatures.
//   Webhooks: header Authorization = lowercase hex HMAC-SHA256(app_secret, app_key + raw body).
//   API calls (version 202309): sign = hex HMAC-SHA256(app_secret, app_secret + path + every query
//   parameter but `sign` and `access_token`, sorted by name, as name + value + the raw JSON body
//   (left out for multipart uploads) + app_secret).

import { hmacSha256Hex, hmacSha256HexOf, sameHexDigest } from '../shared/hmac-signature.ts';

export function tiktokWebhookSignature(appKey: string, appSecret: string, rawBody: Buffer): string {
  return hmacSha256HexOf(appSecret, [appKey, rawBody]);
}

export function isTiktokWebhookSigned(authorization: string | undefined, appKey: string, appSecret: string, rawBody: Buffer): boolean {
  return sameHexDigest(authorization, tiktokWebhookSignature(appKey, appSecret, rawBody));
}

export function tiktokApiStringToSign(appSecret: string, path: string, query: Record<string, string>, body: string): string {
  const names = Object.keys(query)
    .filter((name) => name !== 'sign' && name !== 'access_token')
    .sort();
  return appSecret + path + names.map((name) => `${name}${query[name]}`).join('') + body + appSecret;
}

export function tiktokApiSignature(appSecret: string, path: string, query: Record<string, string>, body: string): string {
  return hmacSha256Hex(appSecret, tiktokApiStringToSign(appSecret, path, query, body));
}
