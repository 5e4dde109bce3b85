// Lazada's two signatures.
//   Pushes (webhooks): header Authorization = hex HMAC-SHA256(app_secret, app_key + raw body).
//   API calls: sign = uppercase hex HMAC-SHA256(app_secret, api path + every parameter but `sign`,
//   sorted by name, written as name + value with no separators).

import { hmacSha256Hex, hmacSha256HexOf, sameHexDigest } from '../shared/hmac-signature.ts';

export function lazadaPushSignature(appKey: string, appSecret: string, rawBody: Buffer): string {
  return hmacSha256HexOf(appSecret, [appKey, rawBody]);
}

/** True when the push's Authorization header signs exactly these bytes. Lazada's hex is compared without regard to case. */
export function isLazadaPushSigned(authorization: string | undefined, appKey: string, appSecret: string, rawBody: Buffer): boolean {
  return sameHexDigest(authorization, lazadaPushSignature(appKey, appSecret, rawBody), { ignoreCase: true });
}

/** The string Lazada signs for an API call (exposed for tests and for the loopback fake). */
export function lazadaApiStringToSign(apiPath: string, params: Record<string, string>): string {
  const names = Object.keys(params)
    .filter((name) => name !== 'sign')
    .sort();
  return apiPath + names.map((name) => `${name}${params[name]}`).join('');
}

export function lazadaApiSignature(appSecret: string, apiPath: string, params: Record<string, string>): string {
  return hmacSha256Hex(appSecret, lazadaApiStringToSign(apiPath, params)).toUpperCase();
}
