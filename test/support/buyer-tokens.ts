// The shop's side of web chat identity in tests: a secret Kefu is configured with, and tokens signed
// the way a shop's site signs its signed-in buyer (docs/webchat-identity.md).

import { signBuyerToken } from '../../adapters/webchat/identity-token.ts';

export const TEST_IDENTITY_SECRET = 'test-identity-secret-0123456789abcdef';
export const TEST_SHOP = 'test-shop';

/** Environment that gives a test Kefu the shop's identity secret and id. */
export const identityEnv: Record<string, string> = {
  KEFU__WEBCHAT__IDENTITY__SECRET: TEST_IDENTITY_SECRET,
  KEFU__WEBCHAT__IDENTITY__AUDIENCE: TEST_SHOP,
};

export interface TokenOptions {
  secret?: string;
  audience?: string;
  /** Seconds from issue to expiry (default 600). */
  lifetimeSeconds?: number;
  /** When the token was issued, in ms since the epoch (default now). */
  issuedAt?: number;
  name?: string;
}

/** A token for `buyerId`, signed as the test shop's site would sign it unless told otherwise. */
export function signedBuyer(buyerId: string, options: TokenOptions = {}): Promise<string> {
  return signBuyerToken({ buyerId, ...(options.name ? { name: options.name } : {}) }, {
    secret: options.secret ?? TEST_IDENTITY_SECRET,
    audience: options.audience ?? TEST_SHOP,
    lifetimeSeconds: options.lifetimeSeconds ?? 600,
    now: options.issuedAt ?? Date.now(),
  });
}
