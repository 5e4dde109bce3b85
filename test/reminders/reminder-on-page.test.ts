// The whole way, in a real browser: a buyer chats on the demo page in Traditional Chinese, the shop
// posts a signed created_unpaid event for their order, and the reminder appears on the open page —
// in Traditional Chinese, with the order's items and a "pay" link to the order's payUrl.

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '../../server.ts';
import { launchBrowser } from '../support/browser.ts';
import { orderEvent, postOrderEvent, TEST_SECRET } from '../support/order-events.ts';
import { startTestKefu } from '../support/start-kefu.ts';

declare global {
  interface Window {
    kefu: { conversationId: string; ready: Promise<unknown> };
  }
}

const WAIT_MS = 10_000;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startTestKefu({
      env: {
        KEFU__REMINDERS__WEBHOOKSECRET: TEST_SECRET,
        KEFU__REMINDERS__DELAYMINUTES: '0.01',
        KEFU__REMINDERS__QUIETHOURS: 'null',
        KEFU__REMINDERS__MAXPERORDER: '1',
      },
    }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('shows the reminder on the buyer’s open page, in their script, with a pay link', async () => {
  const context = await browser.newContext({ locale: 'zh-TW' });
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.evaluate((waitMs) => Promise.race([window.kefu.ready, new Promise((_, reject) => setTimeout(() => reject(new Error('stream not ready')), waitMs))]), WAIT_MS);
    await page.locator('#text').fill('您好,請問有什麼推薦');
    await page.locator('#text').press('Enter');
    await page.locator('.bubble.bot').first().waitFor({ timeout: WAIT_MS });

    // The page's buyer is its conversation (no buyerId is sent): the shop knows both.
    const conversationId = await page.evaluate(() => window.kefu.conversationId);
    const order = (await server.kefu.orders.listOrders({ channel: 'webchat', buyerId: conversationId })).find((o) => o.status === 'unpaid')!;
    const answer = await postOrderEvent(server.url, orderEvent('created_unpaid', order.id, conversationId, conversationId));
    expect(answer.status).toBe(200);

    const link = page.locator('.card a', { hasText: '付款' });
    await link.waitFor({ timeout: WAIT_MS });
    expect(await link.getAttribute('href')).toBe(order.payUrl);
    // The page draws every later push (an agent's answer, a reminder) as the same kind of bubble.
    const bubble = page.locator('.bubble', { has: page.locator('.card a') });
    const text = await bubble.evaluate((div) => div.firstChild?.textContent ?? '', undefined, { timeout: WAIT_MS });
    expect(text).toContain('經典純棉圓領T恤(白色M碼)×2');
    expect(text).toMatch(/還|親|訂單/); // Traditional characters, not Simplified
    expect(text).not.toMatch(/还|亲|订单/);
  } finally {
    await context.close();
  }
});
