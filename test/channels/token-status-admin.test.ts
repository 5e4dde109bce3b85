// The merchant sees each marketplace's authorisation on /admin: when the access token and the
// seller's authorisation end, when the token was last renewed, and a renewal that failed with the
// platform's reason. Against the loopback Lazada fake (which issues, expires and refreshes tokens),
// through the admin API and in the dashboard page in a real Chromium.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { tokenReport } from '../../adapters/insight/channel-token-status.ts';
import type { RunningServer } from '../../server.ts';
import { launchBrowser } from '../support/browser.ts';
import { eventually } from '../support/fake-marketplace.ts';
import { LAZADA_TEST_APP, startFakeLazada, type FakeLazada } from '../support/fake-lazada.ts';
import { lazadaKit } from '../support/marketplace-kits.ts';
import { startTestKefu } from '../support/start-kefu.ts';

const ADMIN = `admin-${randomUUID()}`;
const NOW = Date.UTC(2026, 11, 5, 3, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('token verdicts', () => {
  it('is ok with time left and nothing failed', () => {
    const report = tokenReport({ channel: 'shopee', accessExpiresAt: NOW + 4 * HOUR, refreshExpiresAt: NOW + 30 * DAY, refreshFailures: 0 }, NOW);
    expect(report).toMatchObject({ verdict: 'ok', accessExpiresInSeconds: 4 * 3600, authorizationEndsInSeconds: 30 * 86_400 });
  });

  it('says the authorisation ends soon from the refresh token or the platform\'s announcement, whichever is first', () => {
    expect(tokenReport({ channel: 'lazada', refreshExpiresAt: NOW + 90 * DAY, authorizationEndsAt: NOW + 2 * DAY, refreshFailures: 0 }, NOW)).toMatchObject({ verdict: 'ending', authorizationEndsInSeconds: 2 * 86_400 });
  });

  it('is failing after a failed renewal, and ok again once a later one succeeded', () => {
    const failed = { channel: 'tiktok', accessExpiresAt: NOW + HOUR, refreshFailures: 1, lastFailure: 'IllegalRefreshToken', lastFailureAt: NOW - HOUR, renewedAt: NOW - 2 * HOUR };
    expect(tokenReport(failed, NOW).verdict).toBe('failing');
    expect(tokenReport({ ...failed, renewedAt: NOW - 60_000 }, NOW).verdict).toBe('ok');
  });

  it('is expired once the access token or the authorisation is past, with negative time left', () => {
    expect(tokenReport({ channel: 'shopee', accessExpiresAt: NOW - 60_000, refreshFailures: 0 }, NOW)).toMatchObject({ verdict: 'expired', accessExpiresInSeconds: -60 });
    expect(tokenReport({ channel: 'lazada', authorizationEndsAt: NOW - 1, refreshFailures: 3, lastFailureAt: NOW }, NOW).verdict).toBe('expired');
  });

  it('knows nothing about times the platform never gave', () => {
    const report = tokenReport({ channel: 'lazada', refreshFailures: 0 }, NOW);
    expect(report.verdict).toBe('ok');
    expect(report).not.toHaveProperty('accessExpiresInSeconds');
    expect(report).not.toHaveProperty('authorizationEndsInSeconds');
  });
});

async function channelsApi(server: RunningServer, token: string | null = ADMIN): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}/admin/api/channels`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: await response.json() };
}

async function pushBuyerText(server: RunningServer, text: string): Promise<void> {
  const raw = lazadaKit.buyerText(lazadaKit.newConversation(), text);
  expect((await fetch(server.url + lazadaKit.pushPath, { method: 'POST', headers: lazadaKit.headers(raw), body: raw })).status).toBe(200);
}

describe('/admin shows a renewal that failed (Lazada refuses the refresh token)', () => {
  let fake: FakeLazada;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    fake = await startFakeLazada();
    [server, browser] = await Promise.all([
      startTestKefu({
        // A refresh token Lazada never issued (the seller revoked the app, say): the renewal is refused.
        env: { ...lazadaKit.env(fake.url), KEFU__CHANNELS__LAZADA__REFRESHTOKEN: 'revoked-refresh-token', KEFU__CHANNELS__LAZADA__AUTHBASEURL: fake.url, KEFU__ADMIN__TOKEN: ADMIN },
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await fake?.close();
  });

  it('is behind the admin token', async () => {
    expect((await channelsApi(server, null)).status).toBe(401);
    expect((await channelsApi(server, 'not-the-admin-token')).status).toBe(401);
  });

  it('reports the configured token as ok before anything happened', async () => {
    const { status, body } = await channelsApi(server);
    expect(status).toBe(200);
    expect(body.channels).toEqual([expect.objectContaining({ channel: 'lazada', verdict: 'ok', refreshFailures: 0 })]);
    expect(body.channels[0]).not.toHaveProperty('renewedAt');
  });

  it('reports the failed renewal with the platform\'s reason after a send was refused', async () => {
    fake.expireAccessTokens();
    await pushBuyerText(server, '你好');
    const failing = await eventually(async () => {
      const { body } = await channelsApi(server);
      return body.channels[0].verdict === 'failing' ? body.channels[0] : undefined;
    }, 'the failed renewal on /admin');
    expect(failing.refreshFailures).toBeGreaterThanOrEqual(1);
    expect(failing.lastFailure).toContain('IllegalRefreshToken');
    expect(typeof failing.lastFailureAt).toBe('number');
    // The refresh token is never shown.
    expect(JSON.stringify(failing)).not.toContain('revoked-refresh-token');
  });

  it('shows it on the dashboard page', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/admin`);
    await page.fill('#token', ADMIN);
    await Promise.all([page.waitForURL(`${server.url}/admin`), page.click('button[type=submit]')]);
    const row = page.locator('#channel-tokens tr[data-channel="lazada"]');
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    expect(await row.locator('.verdict-failing').textContent()).toBe('renewal failing');
    expect(await row.textContent()).toContain('IllegalRefreshToken');
    await page.context().close();
  });
});

describe('/admin shows a renewed token (Lazada renews it)', () => {
  let fake: FakeLazada;
  let server: RunningServer;

  beforeAll(async () => {
    fake = await startFakeLazada();
    server = await startTestKefu({
      env: { ...lazadaKit.env(fake.url), KEFU__CHANNELS__LAZADA__REFRESHTOKEN: LAZADA_TEST_APP.refreshToken, KEFU__CHANNELS__LAZADA__AUTHBASEURL: fake.url, KEFU__ADMIN__TOKEN: ADMIN },
    });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('says when it was renewed and when the new token and the authorisation end', async () => {
    fake.accessSeconds = 7 * 86_400;
    fake.expireAccessTokens();
    await pushBuyerText(server, '你好');
    const renewed = await eventually(async () => {
      const { body } = await channelsApi(server);
      return body.channels[0].renewedAt ? body.channels[0] : undefined;
    }, 'the renewal on /admin');
    expect(renewed).toMatchObject({ channel: 'lazada', verdict: 'ok', refreshFailures: 0 });
    // Lazada's answer: expires_in 7 days, refresh_expires_in 180 days (the fake's figures).
    expect(renewed.accessExpiresInSeconds).toBeGreaterThan(6 * 86_400);
    expect(renewed.authorizationEndsInSeconds).toBeGreaterThan(170 * 86_400);
  });
});
