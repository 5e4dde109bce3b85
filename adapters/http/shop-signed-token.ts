// Tokens the shop's own backend signs for Kefu: a JWT with HS256 and a secret the shop shares with
// Kefu. The web chat takes one for a signed-in buyer (adapters/webchat/identity-token.ts), the desk
// one for an agent signing in through the shop (adapters/desk/agent-sso.ts). Both check them here,
// so there is one verifier: jose does the cryptography and the claim checks (signature, only HS256,
// exp, age from iat, aud); this file maps jose's errors onto reasons a caller can act on.

import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../../dialogs/ports.ts';

/** Why a token was refused. */
export type ShopTokenFailure = 'expired' | 'not_yet_valid' | 'bad_signature' | 'wrong_shop' | 'malformed';

export type ShopTokenCheck = { ok: true; payload: JWTPayload } | { ok: false; failure: ShopTokenFailure };

export interface ShopTokenRules {
  /** The key made from the shared secret (shopTokenKey). */
  key: Uint8Array;
  /** What the token must carry as `aud`. */
  audience: string;
  /** Oldest token accepted, counted from its `iat`, in seconds. */
  maxAgeSeconds: number;
  /** Claims the token must carry besides sub, exp, iat and aud. */
  alsoRequired?: string[];
  clock: Clock;
}

/** Clocks of the shop's server and Kefu's differ a little. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Longer than any token a shop has reason to send; checked before any parsing. */
const MAX_TOKEN_LENGTH = 4096;

export function shopTokenKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function checkShopToken(token: string, rules: ShopTokenRules): Promise<ShopTokenCheck> {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, failure: 'malformed' };
  try {
    const { payload } = await jwtVerify(token, rules.key, {
      algorithms: ['HS256'],
      audience: rules.audience,
      maxTokenAge: rules.maxAgeSeconds,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'exp', 'iat', 'aud', ...(rules.alsoRequired ?? [])],
      currentDate: new Date(rules.clock.now()),
    });
    return { ok: true, payload };
  } catch (error) {
    return { ok: false, failure: failureOf(error) };
  }
}

function failureOf(error: unknown): ShopTokenFailure {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud' && error.reason === 'check_failed') return 'wrong_shop';
    if ((error.claim === 'iat' || error.claim === 'nbf') && error.reason === 'check_failed') return 'not_yet_valid';
  }
  // A token that is not a JWT, another algorithm (alg "none" included), a missing claim.
  return 'malformed';
}
