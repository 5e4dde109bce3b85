// Who a web chat visitor is: the shop's site signs its signed-in buyer as a short-lived JWT (HS256,
// with the secret it shares with Kefu), the page passes the token with each message, and Kefu checks
// it here: signature, expiry, age and the shop it was issued for (`aud`). Whatever else the page says
// about the buyer (a `buyerId` field) is ignored. Why a JWT and not an HMAC of the id alone
// (Chatwoot's identifier_hash): the token expires, names its shop, and every language has a
// well-kept library to make one (docs/webchat-identity.md). The checks themselves are the shop's
// signed-token verifier's (adapters/http/shop-signed-token.ts), shared with the desk's sign-in.

import { SignJWT } from 'jose';
import type { Clock } from '../../dialogs/ports.ts';
import { checkShopToken, shopTokenKey, type ShopTokenFailure } from '../http/shop-signed-token.ts';

/** What a page is told when its token is refused; docs/webchat-identity.md says what to do for each. */
export type IdentityFailure = ShopTokenFailure;

export interface VerifiedBuyer {
  /** The shop's id for the buyer (the token's `sub`). */
  buyerId: string;
  /** The buyer's display name (`name`), shown to agents only. */
  name?: string;
}

export type IdentityCheck = { ok: true; buyer: VerifiedBuyer } | { ok: false; failure: IdentityFailure };

export interface IdentitySettings {
  /** The secret shared with the shop's site (at least 32 characters: HS256 wants 256 bits). */
  secret: string;
  /** The shop the token must be issued for (`aud`). */
  audience: string;
  /** Oldest token accepted, counted from its `iat`, in seconds. */
  maxAgeSeconds: number;
  clock: Clock;
}

/** The same characters as every id the web chat takes, so a buyer id is safe in a path or a key. */
const BUYER_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;

export class IdentityVerifier {
  private readonly key: Uint8Array;

  constructor(private readonly settings: IdentitySettings) {
    this.key = shopTokenKey(settings.secret);
  }

  get audience(): string {
    return this.settings.audience;
  }

  async verify(token: string): Promise<IdentityCheck> {
    const { audience, maxAgeSeconds, clock } = this.settings;
    const check = await checkShopToken(token, { key: this.key, audience, maxAgeSeconds, clock });
    if (!check.ok) return check;
    const { payload } = check;
    if (typeof payload.sub !== 'string' || !BUYER_ID.test(payload.sub)) return { ok: false, failure: 'malformed' };
    const name = typeof payload.name === 'string' && payload.name.length <= 100 ? payload.name : undefined;
    return { ok: true, buyer: { buyerId: payload.sub, ...(name ? { name } : {}) } };
  }
}

/** Signs a buyer as the shop's site would (the demo's sign-in and the tests use it). */
export async function signBuyerToken(
  buyer: VerifiedBuyer,
  options: { secret: string; audience: string; lifetimeSeconds: number; now: number },
): Promise<string> {
  const issuedAt = Math.floor(options.now / 1000);
  return new SignJWT(buyer.name ? { name: buyer.name } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(buyer.buyerId)
    .setAudience(options.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + options.lifetimeSeconds)
    .sign(new TextEncoder().encode(options.secret));
}
