// The dashboard in a real Chromium, as a merchant uses it: signs in with the token through the
// form, sees the live chart, and watches it change as buyers' messages arrive (over SSE, without
// reloading); sees the trainer's groups and the flows as diagrams.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../server.ts';
import { launchBrowser } from '../support/browser.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

declare global {
  interface Window {
    kefuAdmin: { updates: number; chart: { data: number[][] } | null; overview: { results: { conversations: number } } | null };
  }
}

const TOKEN = 'dashboard-page-admin-token-0123456789';
const WAIT_MS = 15_000;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestKefu({ env: { KEFU__ADMIN__TOKEN: TOKEN, KEFU__INSIGHT__LIVEUPDATESECONDS: '1' } }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const first = await page.goto(`${server.url}/admin`);
  expect(first?.status()).toBe(401);
  await page.fill('#token', TOKEN);
  await Promise.all([page.waitForURL(`${server.url}/admin`), page.click('button[type=submit]')]);
  await page.waitForFunction(() => window.kefuAdmin?.updates > 0 && window.kefuAdmin.chart !== null, undefined, { timeout: WAIT_MS });
  return page;
}

const messagesCharted = (page: Page): Promise<number> => page.evaluate(() => window.kefuAdmin.chart!.data[1]!.reduce((a, b) => a + (b ?? 0), 0));
const canvasPicture = (page: Page): Promise<string> => page.evaluate(() => document.querySelector<HTMLCanvasElement>('#live-chart canvas')!.toDataURL());

describe('dashboard page', () => {
  it('refuses a wrong token in the form', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/admin`);
    await page.fill('#token', 'not-the-token-at-all');
    await page.click('button[type=submit]');
    await expect.poll(() => page.isVisible('#wrong'), { timeout: WAIT_MS }).toBe(true);
    expect(await page.evaluate(() => typeof window.kefuAdmin)).toBe('undefined');
    await page.context().close();
  });

  it('draws the live chart and redraws it when messages arrive', async () => {
    const page = await signIn();
    const before = await messagesCharted(page);
    const pictureBefore = await canvasPicture(page);
    for (let i = 0; i < 6; i++) {
      const answer = await postMessage(server.url, { conversationId: `live-${i}`, text: i % 2 ? '什么时候发货' : '我穿多大码' });
      expect(answer.status).toBe(200);
    }
    await expect.poll(() => messagesCharted(page), { timeout: WAIT_MS }).toBe(before + 6);
    expect(await canvasPicture(page)).not.toBe(pictureBefore);
    // Hot topics and results are drawn too, from the same stream, as text.
    await expect.poll(() => page.textContent('#hot-topics'), { timeout: WAIT_MS }).toContain('ask_size');
    expect(await page.textContent('#hot-topics')).toContain('什么时候发货');
    expect(await page.textContent('#result-cards')).toContain('Agent-equivalents');
    await page.context().close();
  });

  it('shows the trainer’s groups and every flow as a diagram, with text from buyers as text', async () => {
    await postMessage(server.url, { conversationId: 'odd-1', text: '<img src=x onerror="window.__xss=1">火星有分店吗' });
    await postMessage(server.url, { conversationId: 'odd-2', text: '火星上有分店吗' });
    await server.kefu.insight.recorder.flush();
    const page = await signIn();
    await expect.poll(() => page.locator('.cluster').count(), { timeout: WAIT_MS }).toBeGreaterThan(0);
    expect(await page.textContent('#clusters')).toContain('火星上有分店吗');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await expect.poll(() => page.locator('#flow-diagrams img').count(), { timeout: WAIT_MS }).toBeGreaterThan(3);
    const drawn = await page.locator('#flow-diagrams img').first().evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth));
    expect(drawn).toBeGreaterThan(100);
    await page.context().close();
  });
});
