// The demo shop's sign-in: with no identity secret configured and the demo order book serving, the
// demo page at / would show no order to anyone (every visitor is a guest). So Kefu plays the shop's
// site for its own demo: it makes a random secret when it starts (never written anywhere, never used
// once a real secret is set), and signs demo buyers with it, exactly as a shop's site signs its own.
// Only ids of the shape `demo-…` are signed, and they reach only the demo's generated sample orders.

import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../dialogs/ports.ts';
import { IdentityVerifier, signBuyerToken } from './identity-token.ts';

/** The ids the demo signs: its own, never a shop buyer's. */
const DEMO_BUYER = /^demo-[A-Za-z0-9-]{8,64}$/;
const TOKEN_LIFETIME_SECONDS = 600;

export interface DemoToken {
  token: string;
  buyerId: string;
  expiresAt: number;
}

export class DemoSignIn {
  /** Checks the tokens this demo signed (and nothing else: the secret is made here, per process). */
  readonly verifier: IdentityVerifier;
  private readonly secret = randomBytes(32).toString('base64url');

  constructor(private readonly options: { audience: string; clock: Clock }) {
    this.verifier = new IdentityVerifier({ secret: this.secret, audience: options.audience, maxAgeSeconds: TOKEN_LIFETIME_SECONDS, clock: options.clock });
  }

  /** A fresh token for the demo buyer `asked` (a page keeps its demo buyer across reloads), or for a new one. */
  async signIn(asked: string | undefined): Promise<DemoToken> {
    const buyerId = asked && DEMO_BUYER.test(asked) ? asked : `demo-${randomUUID()}`;
    const now = this.options.clock.now();
    const token = await signBuyerToken({ buyerId }, { secret: this.secret, audience: this.options.audience, lifetimeSeconds: TOKEN_LIFETIME_SECONDS, now });
    return { token, buyerId, expiresAt: now + TOKEN_LIFETIME_SECONDS * 1000 };
  }
}
