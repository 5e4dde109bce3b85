// End to end in a real browser: a buyer on the web chat page asks for a person → the card opens
// a thread in Slack (a loopback Slack Web API) → an agent claims and replies there (signed events
// and button presses, as Slack delivers them) → the buyer's page shows the reply → the agent
// hands the buyer back → the bot answers the buyer again.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { eventually, QUEUE_CHANNELS, startSlackKefu, type SlackKefu } from '../support/slack-kefu.ts';

declare global {
  interface Window {
    kefu: { conversationId: string; ready: Promise<unknown> };
  }
}

const WAIT_MS = 10_000;
const AGENT = 'U0WANG';

let kefu: SlackKefu;
let browser: Browser;

beforeAll(async () => {
  [kefu, browser] = await Promise.all([startSlackKefu(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await kefu?.close();
});

async function type(page: Page, text: string): Promise<void> {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
}

/** The words of each bubble of a kind, waiting until there are at least `count`. */
async function bubbles(page: Page, kind: 'bot' | 'me' | 'agent', count = 1): Promise<string[]> {
  await page.locator(`.bubble.${kind}`).nth(count - 1).waitFor({ timeout: WAIT_MS });
  return page.locator(`.bubble.${kind}`).evaluateAll((divs) => divs.map((div) => div.firstChild?.textContent ?? ''));
}

describe('a web chat buyer and a Slack agent', () => {
  it('hand-off, claim, reply, back to the bot', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${kefu.server.url}/`);
    await page.evaluate((waitMs) => Promise.race([window.kefu.ready, new Promise((_, reject) => setTimeout(() => reject(new Error('stream not ready')), waitMs))]), WAIT_MS);

    // The buyer asks for a person: the bot says so, and a card opens in the pre-sale channel.
    const mark = kefu.slack.mark();
    await type(page, '我想找人工客服');
    expect((await bubbles(page, 'bot')).at(-1)).toMatch(/转接人工客服/);
    const card = await eventually(() => {
      const found = kefu.slack.cardsSince(mark).find((m) => m.channel === QUEUE_CHANNELS.presale);
      if (!found) throw new Error('no card yet');
      return found;
    }, 'the card is posted');
    expect(JSON.stringify(card.blocks)).toContain('我想找人工客服');

    // The buyer writes while waiting: it goes to the thread, the bot keeps quiet.
    const botBubbles = (await bubbles(page, 'bot')).length;
    await type(page, '我的订单什么时候发货');
    await eventually(() => expect(kefu.slack.thread(card.channel, card.ts).map((m) => m.text).join('\n')).toContain('我的订单什么时候发货'), 'the buyer message reaches the thread');

    // The agent claims and replies; the page shows both.
    expect((await kefu.agentPresses(card.channel, card.ts, AGENT, 'kefu_claim')).status).toBe(200);
    expect((await bubbles(page, 'agent')).at(-1)).toMatch(/人工客服已接入/);
    expect((await kefu.agentReplies(card.channel, card.ts, AGENT, '您好,我是客服小王,您的订单今天下午发货')).status).toBe(200);
    expect((await bubbles(page, 'agent', 2)).at(-1)).toBe('您好,我是客服小王,您的订单今天下午发货');
    // A note stays in Slack.
    await kefu.agentReplies(card.channel, card.ts, AGENT, '// VIP buyer');
    expect((await bubbles(page, 'bot')).length).toBe(botBubbles);

    // Back to bot: the page hears it, and the bot answers the next question.
    await kefu.agentPresses(card.channel, card.ts, AGENT, 'kefu_back_to_bot');
    expect((await bubbles(page, 'agent', 3)).at(-1)).toMatch(/小蜜继续为您服务/);
    await type(page, '我穿多大码');
    expect((await bubbles(page, 'bot', botBubbles + 1)).at(-1)).toMatch(/身高/);
    expect((await page.locator('.bubble.agent').allTextContents()).join('\n')).not.toContain('VIP');
    await context.close();
  });
});
