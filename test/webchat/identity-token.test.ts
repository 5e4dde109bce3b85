// The web chat's identity check: a token the shop's site signed for its signed-in buyer is
// accepted; every other token is refused with the reason the page is told (docs/webchat-identity.md).

import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { IdentityVerifier } from '../../adapters/webchat/identity-token.ts';
import { signedBuyer, TEST_IDENTITY_SECRET, TEST_SHOP } from '../support/buyer-tokens.ts';

const now = Date.UTC(2026, 5, 1, 12, 0, 0);
const verifier = new IdentityVerifier({ secret: TEST_IDENTITY_SECRET, audience: TEST_SHOP, maxAgeSeconds: 3600, clock: { now: () => now } });
const key = new TextEncoder().encode(TEST_IDENTITY_SECRET);
const seconds = Math.floor(now / 1000);

/** A token with exactly these claims and this algorithm, signed with the test secret. */
function withClaims(claims: Record<string, unknown>, alg = 'HS256'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg }).sign(key);
}

describe('IdentityVerifier', () => {
  it('accepts a token the shop signed, with the buyer id and display name', async () => {
    const token = await signedBuyer('shop-user-1001', { issuedAt: now - 60_000, name: '王小明' });
    expect(await verifier.verify(token)).toEqual({ ok: true, buyer: { buyerId: 'shop-user-1001', name: '王小明' } });
  });

  it('refuses an expired token as expired', async () => {
    const token = await signedBuyer('shop-user-1001', { issuedAt: now - 20 * 60_000, lifetimeSeconds: 600 });
    expect(await verifier.verify(token)).toEqual({ ok: false, failure: 'expired' });
  });

  it('refuses a token older than maxAgeSeconds as expired, whatever its exp says', async () => {
    const token = await signedBuyer('shop-user-1001', { issuedAt: now - 2 * 3600_000, lifetimeSeconds: 30 * 86400 });
    expect(await verifier.verify(token)).toEqual({ ok: false, failure: 'expired' });
  });

  it('refuses a token issued in the future (a wrong clock on the signing server)', async () => {
    const token = await signedBuyer('shop-user-1001', { issuedAt: now + 10 * 60_000 });
    expect(await verifier.verify(token)).toEqual({ ok: false, failure: 'not_yet_valid' });
  });

  it('tolerates a few seconds of clock difference', async () => {
    const token = await signedBuyer('shop-user-1001', { issuedAt: now + 5_000 });
    expect((await verifier.verify(token)).ok).toBe(true);
  });

  it('refuses a token signed with another secret as bad_signature', async () => {
    const token = await signedBuyer('shop-user-1001', { issuedAt: now, secret: 'another-shop-secret-0123456789abcdef' });
    expect(await verifier.verify(token)).toEqual({ ok: false, failure: 'bad_signature' });
  });

  it('refuses a token whose payload was changed after signing as bad_signature', async () => {
    const [header, , signature] = (await signedBuyer('shop-user-1001', { issuedAt: now })).split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'shop-user-2002', aud: TEST_SHOP, iat: seconds, exp: seconds + 600 })).toString('base64url');
    expect(await verifier.verify(`${header}.${forged}.${signature}`)).toEqual({ ok: false, failure: 'bad_signature' });
  });

  it('refuses a token for another shop as wrong_shop', async () => {
    const token = await signedBuyer('shop-user-1001', { issuedAt: now, audience: 'another-shop' });
    expect(await verifier.verify(token)).toEqual({ ok: false, failure: 'wrong_shop' });
  });

  it.each([
    ['not a JWT at all', async () => 'hello'],
    ['three dots of garbage', async () => 'a.b.c'],
    ['an unsigned token (alg none)', async () => new UnsecuredJWT({ sub: 'shop-user-1001', aud: TEST_SHOP, iat: seconds, exp: seconds + 600 }).encode()],
    ['another algorithm (HS512)', () => withClaims({ sub: 'shop-user-1001', aud: TEST_SHOP, iat: seconds, exp: seconds + 600 }, 'HS512')],
    ['no sub', () => withClaims({ aud: TEST_SHOP, iat: seconds, exp: seconds + 600 })],
    ['no exp', () => withClaims({ sub: 'shop-user-1001', aud: TEST_SHOP, iat: seconds })],
    ['no iat', () => withClaims({ sub: 'shop-user-1001', aud: TEST_SHOP, exp: seconds + 600 })],
    ['no aud', () => withClaims({ sub: 'shop-user-1001', iat: seconds, exp: seconds + 600 })],
    ['a buyer id that would change a path', () => withClaims({ sub: '../admin', aud: TEST_SHOP, iat: seconds, exp: seconds + 600 })],
    ['a buyer id that is a number', () => withClaims({ sub: 1001, aud: TEST_SHOP, iat: seconds, exp: seconds + 600 })],
  ])('refuses %s as malformed', async (_what, make) => {
    expect(await verifier.verify(await make())).toEqual({ ok: false, failure: 'malformed' });
  });

  it('keeps no display name that is not a short text', async () => {
    const token = await withClaims({ sub: 'shop-user-1001', aud: TEST_SHOP, iat: seconds, exp: seconds + 600, name: 'x'.repeat(500) });
    expect(await verifier.verify(token)).toEqual({ ok: true, buyer: { buyerId: 'shop-user-1001' } });
  });
});
