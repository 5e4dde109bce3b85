// The "done when", in Chromium: a fresh Kefu process (as `npm start` runs it, default
// configuration), a buyer types 转人工 in the web chat, an agent signs in at /desk with the demo
// agent's password from the start-up log, sees the card, claims, replies, and the buyer sees the
// reply; a second agent's browser sees the hand-off claimed, without reloading.

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { spawnKefu, type SpawnedKefu } from '../support/spawn-kefu.ts';

const WAIT_MS = 15_000;
let kefu: SpawnedKefu;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [kefu, browser] = await Promise.all([spawnKefu(), launchBrowser()]);
}, 90_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await kefu?.stop();
});

async function open(path: string, locale: string): Promise<Page> {
  const context = await browser.newContext({ locale });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${kefu.url}${path}`);
  return page;
}

/** The demo agent's password, as the start-up log shows it. */
function demoPassword(): string {
  const line = kefu.stdout().split('\n').find((l) => l.includes('agent desk: sign in at /desk'));
  const match = line ? /with password (\S+)/.exec(JSON.parse(line).msg as string) : null;
  if (!match) throw new Error(`no demo agent in the start-up log:\n${kefu.stdout().slice(0, 2000)}`);
  return match[1]!;
}

async function signIn(page: Page, password: string): Promise<void> {
  await page.locator('#agent').fill('demo');
  await page.locator('#password').fill(password);
  await page.locator('#sign-in-form button[type=submit]').click();
  await page.locator('#desk').waitFor({ state: 'visible', timeout: WAIT_MS });
}

describe('the agent desk in a browser', () => {
  it('a buyer asks for a person; the demo agent signs in, claims, replies; the buyer sees it; another agent sees it claimed', async () => {
    const buyer = await open('/', 'zh-CN');
    await buyer.evaluate(() => (window as unknown as { kefu: { ready: Promise<unknown> } }).kefu.ready);
    await buyer.locator('#text').fill('转人工');
    await buyer.locator('#text').press('Enter');
    await buyer.locator('.bubble.bot').first().waitFor({ timeout: WAIT_MS });

    const password = demoPassword();
    const agent = await open('/desk', 'zh-CN');
    await signIn(agent, password);
    const item = agent.locator('#list li[data-handoff-id]').first();
    await item.waitFor({ timeout: WAIT_MS });
    expect(await item.textContent()).toContain('买家要求人工');

    // A second agent's browser, open before the claim: it must see the change without a reload.
    const other = await open('/desk', 'en-US');
    await signIn(other, password);
    await other.locator('#list li[data-handoff-id]').first().click();
    await other.locator('#status').filter({ hasText: 'Waiting for an agent' }).waitFor({ timeout: WAIT_MS });

    await item.click();
    await agent.locator('#detail').waitFor({ state: 'visible', timeout: WAIT_MS });
    const facts = await agent.locator('#facts').textContent();
    expect(facts).toContain('webchat');
    expect(facts).toContain('简体中文');
    expect(await agent.locator('#turns').textContent()).toContain('转人工');

    await agent.locator('#claim').click();
    await agent.locator('#status').filter({ hasText: 'Demo agent 已接待' }).waitFor({ timeout: WAIT_MS });
    await buyer.locator('.bubble.agent').filter({ hasText: '人工客服已接入' }).waitFor({ timeout: WAIT_MS });

    await agent.locator('#reply').fill('亲，我是客服小王，请问有什么可以帮您？');
    await agent.locator('#send').click();
    await buyer.locator('.bubble.agent').filter({ hasText: '我是客服小王' }).waitFor({ timeout: WAIT_MS });

    // The buyer asks something the bot knows: its answer is offered to the agent for one click.
    await buyer.locator('#text').fill('身高170体重60穿什么码');
    await buyer.locator('#text').press('Enter');
    await agent.locator('#suggestion-text').filter({ hasText: '根据尺寸' }).waitFor({ timeout: WAIT_MS });
    await agent.locator('#use-suggestion').click();
    expect(await agent.locator('#reply').inputValue()).toMatch(/^根据尺寸/);
    await agent.locator('#send').click();
    await buyer.locator('.bubble.agent').filter({ hasText: '根据尺寸' }).waitFor({ timeout: WAIT_MS });

    await other.locator('#status').filter({ hasText: 'Claimed by Demo agent' }).waitFor({ timeout: WAIT_MS });
    expect(await other.locator('#claim').isHidden()).toBe(true);

    // The agent switches the desk to English; the card follows.
    await agent.locator('#lang').selectOption('en');
    await agent.locator('#status').filter({ hasText: 'Claimed by Demo agent' }).waitFor({ timeout: WAIT_MS });
  }, 90_000);
});
