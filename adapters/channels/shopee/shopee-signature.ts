// Shopee's signatures.
//   Pushes: header Authorization = hex HMAC-SHA256(partner_key, callback URL + "|" + raw body), the
//   callback URL exactly as registered (so it comes from configuration, never from the request,
//   which a proxy may have rewritten).
//   API calls (v2): sign = hex HMAC-SHA256(partner_key, partner_id + api path + timestamp), followed
//   by access_token + shop_id for shop-level APIs.

import { hmacSha256Hex, hmacSha256HexOf, sameHexDigest } from '../shared/hmac-signature.ts';

export function shopeePushSignature(callbackUrl: string, partnerKey: string, rawBody: Buffer): string {
  return hmacSha256HexOf(partnerKey, [`${callbackUrl}|`, rawBody]);
}

export function isShopeePushSigned(authorization: string | undefined, callbackUrl: string, partnerKey: string, rawBody: Buffer): boolean {
  return sameHexDigest(authorization, shopeePushSignature(callbackUrl, partnerKey, rawBody), { ignoreCase: true });
}

export interface ShopeeShopAuth {
  accessToken: string;
  shopId: number;
}

export function shopeeApiStringToSign(partnerId: number, apiPath: string, timestamp: number, shop?: ShopeeShopAuth): string {
  return `${partnerId}${apiPath}${timestamp}${shop ? `${shop.accessToken}${shop.shopId}` : ''}`;
}

export function shopeeApiSignature(partnerKey: string, partnerId: number, apiPath: string, timestamp: number, shop?: ShopeeShopAuth): string {
  return hmacSha256Hex(partnerKey, shopeeApiStringToSign(partnerId, apiPath, timestamp, shop));
}
