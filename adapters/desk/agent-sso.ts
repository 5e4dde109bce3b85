// Agents signing in through the shop (single sign-on): the shop's own backend, where its agents
// already have accounts, signs a short-lived token for one agent, and the agent's browser opens
// /desk/api/sso?token=… with it. The token is a JWT (HS256, the secret in desk.sso.secret) checked by
// the same verifier as the web chat's buyer tokens (adapters/http/shop-signed-token.ts), with
// rules of its own: its audience is the desk's (a buyer token never signs an agent in), it is at
// most five minutes old, and it is good once: its `jti` is claimed on the delivery ledger (Redis in
// production, SET NX), so a token read from a log, a proxy or a browser history is refused
// everywhere, by every process, after its first use.

import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Clock, DeliveryLedger } from '../../dialogs/ports.ts';
import { checkShopToken, CLOCK_TOLERANCE_SECONDS, shopTokenKey, type ShopTokenFailure } from '../http/shop-signed-token.ts';

/** A token older than this (from its `iat`) is refused, whatever its `exp` says. */
export const SSO_MAX_AGE_SECONDS = 300;
/** The same characters as desk.agents ids: safe in a key, a cookie's session and an agent ref. */
const AGENT_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** A nonce long enough not to be guessed or repeated by chance, and safe in a key. */
const TOKEN_ID = /^[A-Za-z0-9_-]{16,128}$/;
const MAX_NAME_LENGTH = 80;

export type SsoFailure = ShopTokenFailure | 'replayed';

export type SsoCheck = { ok: true; agent: { id: string; name: string } } | { ok: false; failure: SsoFailure };

export interface AgentSsoSettings {
  /** Shared with the shop's backend (at least 32 characters). */
  secret: string;
  /** What tokens must carry as `aud`. */
  audience: string;
  /** Remembers used token ids across processes. */
  ledger: DeliveryLedger;
  clock: Clock;
}

export class AgentSso {
  private readonly key: Uint8Array;

  constructor(private readonly settings: AgentSsoSettings) {
    this.key = shopTokenKey(settings.secret);
  }

  /** Checks a token and uses it up: the same token never passes twice. */
  async signIn(token: string): Promise<SsoCheck> {
    const { audience, clock, ledger } = this.settings;
    const check = await checkShopToken(token, { key: this.key, audience, maxAgeSeconds: SSO_MAX_AGE_SECONDS, alsoRequired: ['jti', 'name'], clock });
    if (!check.ok) return check;
    const { sub, jti, name } = check.payload;
    if (typeof sub !== 'string' || !AGENT_ID.test(sub) || typeof jti !== 'string' || !TOKEN_ID.test(jti)) return { ok: false, failure: 'malformed' };
    if (typeof name !== 'string' || name.trim().length === 0 || name.length > MAX_NAME_LENGTH) return { ok: false, failure: 'malformed' };
    // Remembered for as long as the token could pass the age check, clock tolerance included.
    const claim = await ledger.claim(`desk-sso:${jti}`, SSO_MAX_AGE_SECONDS + 2 * CLOCK_TOLERANCE_SECONDS);
    if (claim.status !== 'new') return { ok: false, failure: 'replayed' };
    return { ok: true, agent: { id: sub.toLowerCase(), name: name.trim() } };
  }
}

/** Signs an agent in as the shop's backend would (the tests, and docs/desk.md's example, do the same). */
export function signAgentToken(
  agent: { id: string; name: string },
  options: { secret: string; audience: string; now: number; lifetimeSeconds?: number; jti?: string },
): Promise<string> {
  const issuedAt = Math.floor(options.now / 1000);
  return new SignJWT({ name: agent.name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(agent.id)
    .setAudience(options.audience)
    .setJti(options.jti ?? randomUUID())
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.lifetimeSeconds ?? 120))
    .sign(shopTokenKey(options.secret));
}
