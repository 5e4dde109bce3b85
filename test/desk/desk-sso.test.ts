// Agents signing in through the shop's own system (desk.sso): the shop's backend signs a short-lived
// token for an agent, the agent's browser opens /desk/api/sso?token=…, and Kefu gives the same
// session as a password sign-in. Two Kefu servers on one Redis, as in production: a token used at
// one is refused at the other. And every way a token can be wrong: another secret, expired, too
// old, for another audience, replayed, malformed, oversized, an agent id a key or a page must not
// take; with no secret configured the route does not exist. And in Chromium, from a link on the
// shop's own back office (another site): the agent lands on the desk, signed in.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentSso, signAgentToken } from '../../adapters/desk/agent-sso.ts';
import { MemoryDeliveryLedger } from '../../adapters/stores/memory/memory-delivery-ledger.ts';
import type { RunningServer } from '../../server.ts';
import { launchBrowser } from '../support/browser.ts';
import { sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { startTestKefu } from '../support/start-kefu.ts';

const SECRET = 'desk-sso-test-secret-0123456789abcdef';
const AUDIENCE = 'kefu-desk';
const ssoEnv = { KEFU__DESK__SSO__SECRET: SECRET, KEFU__HANDOFF__UNCLAIMEDNOTICESECONDS: '0' };
let one: RunningServer;
let two: RunningServer;
let noSso: RunningServer;

beforeAll(async () => {
  // Two processes' worth of Kefu on one Redis and one key prefix: they share sessions and used tokens.
  const prefix = uniquePrefix('desk-sso');
  const shared = { redisUrl: sharedRedisUrl, env: { ...ssoEnv, KEFU__SESSIONS__KEYPREFIX: prefix } };
  [one, two, noSso] = await Promise.all([startTestKefu(shared), startTestKefu(shared), startTestKefu()]);
});

afterAll(async () => {
  await Promise.all([one?.close(), two?.close(), noSso?.close()]);
});

function token(agent: { id: string; name: string }, options: { secret?: string; audience?: string; issuedAt?: number; lifetimeSeconds?: number; jti?: string } = {}): Promise<string> {
  return signAgentToken(agent, {
    secret: options.secret ?? SECRET,
    audience: options.audience ?? AUDIENCE,
    now: options.issuedAt ?? Date.now(),
    ...(options.lifetimeSeconds !== undefined ? { lifetimeSeconds: options.lifetimeSeconds } : {}),
    ...(options.jti ? { jti: options.jti } : {}),
  });
}

function open(server: RunningServer, query: string): Promise<Response> {
  return fetch(`${server.url}/desk/api/sso${query}`, { redirect: 'manual' });
}

async function refused(server: RunningServer, query: string): Promise<{ status: number; code: string | null }> {
  const response = await open(server, query);
  const body = await response.text();
  expect(response.headers.get('set-cookie')).toBeNull();
  return { status: response.status, code: /data-code="([a-z_]+)"/.exec(body)?.[1] ?? null };
}

describe('signing in with the shop\'s token', () => {
  it('gives the same session as a password sign-in and sends the browser to the desk', async () => {
    const response = await open(one, `?token=${await token({ id: 'WangFang', name: '王芳' })}`);
    expect(response.status).toBe(303);
    // Relative: the desk under whatever prefix Kefu is mounted at.
    expect(new URL(response.headers.get('location')!, `${one.url}/desk/api/sso`).pathname).toBe('/desk');
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^kefu_desk=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const session = { cookie: cookie.split(';')[0]! };

    // No account of that name is configured: the shop's signature is what lets the agent in, on either process.
    for (const server of [one, two]) {
      const me = await fetch(`${server.url}/desk/api/me`, { headers: session });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ agent: { id: 'wangfang', name: '王芳' }, csrf: expect.any(String) });
    }
    const { csrf } = (await (await fetch(`${two.url}/desk/api/me`, { headers: session })).json()) as { csrf: string };
    expect((await fetch(`${two.url}/desk/api/sign-out`, { method: 'POST', headers: { ...session, 'x-kefu-csrf': csrf, 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);
    expect((await fetch(`${one.url}/desk/api/me`, { headers: session })).status).toBe(401);
  });

  it('takes a token once, on every process', async () => {
    const once = await token({ id: 'lina', name: 'Li Na' });
    expect((await open(one, `?token=${once}`)).status).toBe(303);
    expect(await refused(one, `?token=${once}`)).toEqual({ status: 401, code: 'replayed' });
    expect(await refused(two, `?token=${once}`)).toEqual({ status: 401, code: 'replayed' });
    // Two tokens with the same jti are one token.
    const jti = `same-jti-${Date.now()}-abcdef`;
    expect((await open(two, `?token=${await token({ id: 'lina', name: 'Li Na' }, { jti })}`)).status).toBe(303);
    expect(await refused(one, `?token=${await token({ id: 'bob', name: 'Bob' }, { jti })}`)).toEqual({ status: 401, code: 'replayed' });
  });

  it('refuses a token signed with another secret, or for another audience', async () => {
    expect(await refused(one, `?token=${await token({ id: 'lina', name: 'Li Na' }, { secret: 'another-secret-0123456789abcdefghijk' })}`)).toEqual({ status: 401, code: 'bad_signature' });
    // E.g. the web chat's buyer token for the shop: its aud is the shop's, never the desk's.
    expect(await refused(one, `?token=${await token({ id: 'lina', name: 'Li Na' }, { audience: 'demo-shop' })}`)).toEqual({ status: 401, code: 'wrong_shop' });
  });

  it('refuses an expired token, and one older than five minutes whatever its expiry says', async () => {
    const tenMinutesAgo = Date.now() - 600_000;
    expect(await refused(one, `?token=${await token({ id: 'lina', name: 'Li Na' }, { issuedAt: tenMinutesAgo, lifetimeSeconds: 120 })}`)).toEqual({ status: 401, code: 'expired' });
    expect(await refused(one, `?token=${await token({ id: 'lina', name: 'Li Na' }, { issuedAt: tenMinutesAgo, lifetimeSeconds: 3600 })}`)).toEqual({ status: 401, code: 'expired' });
    expect(await refused(one, `?token=${await token({ id: 'lina', name: 'Li Na' }, { issuedAt: Date.now() + 600_000 })}`)).toEqual({ status: 401, code: 'not_yet_valid' });
  });

  it('refuses malformed and oversized tokens', async () => {
    const key = new TextEncoder().encode(SECRET);
    const now = Math.floor(Date.now() / 1000);
    const base = () => new SignJWT({ name: 'Li Na' }).setProtectedHeader({ alg: 'HS256' }).setSubject('lina').setAudience(AUDIENCE).setIssuedAt(now).setExpirationTime(now + 60);
    const noJti = await base().sign(key);
    const shortJti = await base().setJti('abc').sign(key);
    const noName = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('lina').setAudience(AUDIENCE).setJti('no-name-0123456789').setIssuedAt(now).setExpirationTime(now + 60).sign(key);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'lina', name: 'x', aud: AUDIENCE, jti: 'none-alg-0123456789', iat: now, exp: now + 60 })).toString('base64url')}.`;
    for (const bad of [noJti, shortJti, noName, unsigned, 'not-a-jwt', 'a.b.c']) {
      expect(await refused(one, `?token=${encodeURIComponent(bad)}`)).toEqual({ status: 401, code: 'malformed' });
    }
    expect((await open(one, `?token=${'a'.repeat(5000)}`)).status).toBe(400);
    expect((await open(one, '')).status).toBe(400);
    expect((await open(one, '?token=')).status).toBe(400);
  });

  it('refuses agent ids that a key, a cookie or a page must not take, and shows a name as text', async () => {
    for (const id of ['../admin', 'a:b', '<script>', 'a b', 'x'.repeat(65), '王芳']) {
      expect(await refused(one, `?token=${await token({ id, name: 'Mallory' })}`)).toEqual({ status: 401, code: 'malformed' });
    }
    expect(await refused(one, `?token=${await token({ id: 'mallory', name: 'x'.repeat(81) })}`)).toEqual({ status: 401, code: 'malformed' });
    // A name is only ever shown as text: it comes back as it was signed, nothing is made of it.
    const response = await open(one, `?token=${await token({ id: 'mallory', name: '<img src=x onerror=alert(1)>' })}`);
    expect(response.status).toBe(303);
    const me = await fetch(`${one.url}/desk/api/me`, { headers: { cookie: response.headers.get('set-cookie')!.split(';')[0]! } });
    expect((await me.json()).agent).toEqual({ id: 'mallory', name: '<img src=x onerror=alert(1)>' });
  });

  it('does not exist without a secret', async () => {
    expect((await open(noSso, `?token=${await token({ id: 'lina', name: 'Li Na' })}`)).status).toBe(404);
  });

  it('will not start with the web chat\'s secret: a buyer token must never sign an agent in', async () => {
    await expect(startTestKefu({ env: { ...ssoEnv, KEFU__WEBCHAT__IDENTITY__SECRET: SECRET } })).rejects.toThrow(/desk\.sso\.secret must differ/);
  });
});

describe('in Chromium, from a link on the shop\'s back office', () => {
  it('lands on the desk signed in, though the link came from another site', async () => {
    const link = `${one.url}/desk/api/sso?token=${await token({ id: 'zhouyu', name: '周瑜' })}`;
    // The shop's back office: another site (localhost, not 127.0.0.1), so the SameSite=Strict cookie is set on a cross-site navigation.
    const backOffice = createServer((_request, response) => response.setHeader('content-type', 'text/html; charset=utf-8').end(`<a id="desk" href="${link}">客服工作台</a>`));
    await new Promise<void>((resolve) => backOffice.listen(0, '127.0.0.1', resolve));
    const browser = await launchBrowser();
    try {
      const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
      await page.goto(`http://localhost:${(backOffice.address() as AddressInfo).port}/`);
      await page.locator('#desk').click();
      await page.locator('#who').filter({ hasText: '周瑜' }).waitFor({ timeout: 15_000 });
      expect(new URL(page.url()).pathname).toBe('/desk');
      expect(await page.locator('#sign-in').isHidden()).toBe(true);
      // The link is spent: opening it again shows the refusal in the desk's three languages.
      const again = await page.goto(link);
      expect(again?.status()).toBe(401);
      await expect(page.locator('p[lang=en]').textContent()).resolves.toContain('does not work');
    } finally {
      await browser.close();
      backOffice.close();
    }
  }, 60_000);
});

describe('docs/desk.md', () => {
  it('its Node example makes a link Kefu signs the agent in with, once', async () => {
    const match = /```js\n([\s\S]*?)```/.exec(readFileSync(new URL('../../docs/desk.md', import.meta.url), 'utf8'));
    // The example imports 'jose' as a shop's project would; here it resolves to Kefu's own copy.
    const code = match![1]!.replace("from 'jose'", `from ${JSON.stringify(import.meta.resolve('jose'))}`);
    const folder = mkdtempSync(join(tmpdir(), 'kefu-desk-sso-example-'));
    const file = join(folder, 'link.mjs');
    writeFileSync(file, code);
    process.env.KEFU_DESK_SSO_SECRET = SECRET;
    try {
      const { kefuDeskLink } = (await import(file)) as { kefuDeskLink(url: string, id: string, name: string): Promise<string> };
      const link = new URL(await kefuDeskLink('https://kefu.example', 'wangfang', '王芳'));
      expect(link.pathname).toBe('/desk/api/sso');
      const sso = new AgentSso({ secret: SECRET, audience: AUDIENCE, ledger: new MemoryDeliveryLedger(), clock: { now: () => Date.now() } });
      expect(await sso.signIn(link.searchParams.get('token')!)).toEqual({ ok: true, agent: { id: 'wangfang', name: '王芳' } });
      expect(await sso.signIn(link.searchParams.get('token')!)).toEqual({ ok: false, failure: 'replayed' });
    } finally {
      delete process.env.KEFU_DESK_SSO_SECRET;
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
