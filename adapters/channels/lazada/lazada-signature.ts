// Lazada's two signatures.
//   Pushes: header Authorization = hex HMAC-SHA256 keyed with the app secret over app key + the body
//   exactly as received ("Lazada Push Mechanism", Authorization: Base = {app_key} + "{message body}",
//   its Java sample's vector: app key 123456, secret 3412gyo124goi3124 → f3d2ca94…b6104ab; the sample
//   writes lowercase hex, compared here without regard to case).
//   API calls: sign = uppercase hex HMAC-SHA256 keyed with the app secret over the API path followed
//   by every parameter but `sign`, sorted by name (ASCII order), as name + value; empty values are
//   left out ("Signature algorithm", developers guide, and its Java sample's areNotEmpty check).

import { hmacSha256Hex, hmacSha256HexOf, sameHexDigest } from '../shared/hmac-signature.ts';

export function lazadaPushSignature(appKey: string, appSecret: string, rawBody: Buffer): string {
  return hmacSha256HexOf(appSecret, [appKey, rawBody]);
}

/** True when the push's Authorization header signs exactly these bytes. */
export function isLazadaPushSigned(authorization: string | undefined, appKey: string, appSecret: string, rawBody: Buffer): boolean {
  return sameHexDigest(authorization, lazadaPushSignature(appKey, appSecret, rawBody), { ignoreCase: true });
}

/** The string Lazada signs for an API call (exposed for tests and for the loopback fake). */
export function lazadaApiStringToSign(apiPath: string, params: Record<string, string>): string {
  const names = Object.keys(params)
    .filter((name) => name !== 'sign' && params[name] !== '')
    .sort();
  return apiPath + names.map((name) => `${name}${params[name]}`).join('');
}

export function lazadaApiSignature(appSecret: string, apiPath: string, params: Record<string, string>): string {
  return hmacSha256Hex(appSecret, lazadaApiStringToSign(apiPath, params)).toUpperCase();
}
