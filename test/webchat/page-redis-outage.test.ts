// The chat page through a Redis outage, in Chromium, against a real Kefu on a private redis-server
// that is killed and started again: the page says it is reconnecting, keeps the buyer's message,
// follows Kefu's Retry-After, and delivers the message once Redis is back — well past the few
// seconds it used to give up after — with no "not sent" notice and the message answered once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '../../server.ts';
import { launchBrowser } from '../support/browser.ts';
import { startPrivateRedis, uniquePrefix, type PrivateRedisServer } from '../support/redis-server.ts';
import { startTestKefu } from '../support/start-kefu.ts';

const WAIT_MS = 10_000;
/** Longer than the old page's whole retry budget (0.5 + 1 + 2 + 4 s), so the new one is what passes. */
const OUTAGE_MS = 9_000;
let redis: PrivateRedisServer;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  redis = await startPrivateRedis();
  [server, browser] = await Promise.all([
    startTestKefu({ redisUrl: redis.url, env: { KEFU__SESSIONS__KEYPREFIX: uniquePrefix('page-outage') } }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await redis?.stop();
});

describe('the chat page while Redis is away', () => {
  it('says it is reconnecting, keeps trying past the outage, and the message is answered once', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.evaluate(() => (window as unknown as { kefu: { ready: Promise<unknown> } }).kefu.ready);
    const attempts: { status: number; retryAfter: string | null; messageId: string }[] = [];
    page.on('response', (response) => {
      if (!response.url().endsWith('/webchat/messages')) return;
      attempts.push({ status: response.status(), retryAfter: response.headers()['retry-after'] ?? null, messageId: response.request().postDataJSON().messageId });
    });

    await redis.stop();
    await page.locator('#text').fill('身高170体重60穿什么码');
    await page.locator('#text').press('Enter');
    const notices = page.locator('.bubble.notice');
    await expect.poll(() => notices.allTextContents(), { timeout: WAIT_MS }).toContain('连接中断,正在重连…');
    await page.waitForTimeout(OUTAGE_MS);
    expect(await page.locator('.bubble.bot').count()).toBe(0);
    await redis.start();

    await expect.poll(() => page.locator('.bubble.bot').allTextContents(), { timeout: 30_000 }).toContain('根据尺寸,您适合M号哦');
    // The notice goes once the message is through; nothing says it was not sent.
    expect(await notices.allTextContents()).toEqual([]);
    // Every attempt was the same message; the refusals came with Retry-After, and it was answered once.
    expect(new Set(attempts.map((a) => a.messageId)).size).toBe(1);
    const refused = attempts.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const attempt of refused) expect(attempt.retryAfter).toMatch(/^[1-9]\d*$/);
    expect(attempts.filter((a) => a.status === 200)).toHaveLength(1);
    expect(await page.locator('.bubble.me').allTextContents()).toEqual(['身高170体重60穿什么码']);
    await context.close();
  });
});
