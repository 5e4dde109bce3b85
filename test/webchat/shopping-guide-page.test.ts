// The shopping guide in the web chat, in Chromium: a request shows product cards with a button
// each, a refinement button shows others, and a card's button asks about that product's stock.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '../../server.ts';
import { launchBrowser } from '../support/browser.ts';
import { startTestKefu } from '../support/start-kefu.ts';

const WAIT_MS = 10_000;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestKefu(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the shopping guide in the web chat', () => {
  it('shows cards for a request, others on "换一批", and a card\'s button asks about its stock', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.evaluate(() => (window as unknown as { kefu: { ready: Promise<unknown> } }).kefu.ready);
    await page.locator('#text').fill('有什么零食推荐 送女朋友');
    await page.locator('#text').press('Enter');
    const cards = page.locator('.card');
    await expect.poll(() => cards.count(), { timeout: WAIT_MS }).toBe(3);
    const first = await cards.allTextContents();

    await page.locator('.buttons button', { hasText: '换一批' }).last().click();
    await expect.poll(() => cards.count(), { timeout: WAIT_MS }).toBe(6);
    const second = (await cards.allTextContents()).slice(3);
    for (const card of second) expect(first).not.toContain(card);

    // The card links to the product page, and its button asks about that product.
    expect(await cards.last().locator('a').getAttribute('href')).toMatch(/^https:\/\/shop\.example\/products\//);
    const name = (await cards.last().locator('a').textContent())!;
    const bots = await page.locator('.bubble.bot').count();
    await cards.last().locator('xpath=..').locator('.buttons button', { hasText: '看看这款' }).click();
    await expect.poll(() => page.locator('.bubble.bot').count(), { timeout: WAIT_MS }).toBeGreaterThan(bots);
    // The stock answer names the product; then the guide offers to go on choosing (the way back).
    const answers = (await page.locator('.bubble.bot').allTextContents()).slice(bots).join('\n');
    expect(answers).toContain(name.split(' ')[0]!);
    await context.close();
  });
});
