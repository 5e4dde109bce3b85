// Suggestions as the buyer types (issue 15 item 2): GET /webchat/suggest gives the shop's questions
// (its chips, and the `typing:` list) that match what was typed so far — by prefix, in either
// Chinese script, by pinyin initials or pinyin, by English word beginnings, or by shared character
// pairs — and the chat page offers them while the buyer types; a tap asks the whole question.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { loadFlows } from '../../dialogs/flows/load-flows.ts';
import type { ChipDefinition, ChipListName } from '../../dialogs/shopping/page-chips.ts';
import { MAX_SUGGESTIONS, SuggestionIndex, suggestionIndexOf } from '../../dialogs/shopping/typing-suggestions.ts';
import type { RunningServer } from '../../server.ts';
import { launchBrowser } from '../support/browser.ts';
import { startTestKefu } from '../support/start-kefu.ts';

const T = (zhHans: string, zhHant: string, en: string) => ({ 'zh-Hans': zhHans, 'zh-Hant': zhHant, en });
const size: ChipDefinition = { title: T('尺码怎么选', '尺碼怎麼選', 'Which size should I get?'), payload: '/ask_size' };
const freeShipping: ChipDefinition = { title: T('满多少包邮', '滿多少包郵', 'Free shipping from how much?'), payload: '/ask_shipping' };
const returns: ChipDefinition = { title: T('怎么退货', '怎麼退貨', 'How do I return an item?'), payload: '/return_refund' };
const returnTracking: ChipDefinition = { title: T('填退货单号', '填退貨單號', 'Add the return tracking number'), payload: '/upload_return_tracking' };
const index = new SuggestionIndex(
  new Map<ChipListName, ChipDefinition[]>([
    ['product', [size]],
    ['cart', [freeShipping, size]],
    ['typing', [returns, returnTracking]],
  ]),
);
const texts = (typed: string, page: 'zh-Hans' | 'zh-Hant' | 'en' = 'zh-Hans') => index.suggest(typed, page).map((s) => s.text);

describe('matching what the buyer has typed', () => {
  it('by the start of a question, in the script typed', () => {
    expect(texts('尺码')).toEqual(['尺码怎么选']);
    expect(texts('尺碼')).toEqual(['尺碼怎麼選']);
    expect(texts('怎麼退', 'zh-Hans')[0]).toBe('怎麼退貨');
  });

  it('inside a question', () => {
    expect(texts('退货')).toEqual(['怎么退货', '填退货单号']);
    expect(texts('包邮')).toEqual(['满多少包邮']);
  });

  it('by pinyin initials or pinyin, in the page\'s script', () => {
    expect(texts('cmz')).toEqual(['尺码怎么选']);
    expect(texts('chima', 'zh-Hant')).toEqual(['尺碼怎麼選']);
    expect(texts('zmth')).toEqual(['怎么退货']);
  });

  it('by English word beginnings, the last word half typed', () => {
    expect(texts('free sh', 'zh-Hans')).toEqual(['Free shipping from how much?']);
    expect(texts('Which siz')).toEqual(['Which size should I get?']);
    expect(texts('return track')).toEqual(['Add the return tracking number']);
  });

  it('by most of the typed character pairs, for a question put another way', () => {
    expect(texts('退货怎么弄')).toContain('怎么退货');
  });

  it('offers the typing-only questions first among equals, each question once, at most a handful', () => {
    expect(index.suggest('h', 'en')).toEqual([]);
    const many = new SuggestionIndex(new Map([['typing', Array.from({ length: 20 }, (_, i) => ({ title: T(`退货问题${i}`, `退貨問題${i}`, `return question ${i}`), payload: '/return_refund' }))]]));
    expect(many.suggest('退货', 'zh-Hans')).toHaveLength(MAX_SUGGESTIONS);
    expect(new Set(texts('尺码')).size).toBe(texts('尺码').length);
  });

  it.each(['', '   ', '？？', '😀😀', 'x', 'zzzzzzzz', '<script>alert(1)</script>', '\u0000\u202e'])('offers nothing for %j', (typed) => {
    expect(index.suggest(typed, 'zh-Hans')).toEqual([]);
  });

  it('reads no further than a question could go in a pasted essay', () => {
    expect(index.suggest('退'.repeat(5000), 'zh-Hans')).toEqual([]);
    expect(index.suggest(`尺码${'好'.repeat(5000)}`, 'zh-Hans')).toEqual([]);
  });

  it('builds one index per loaded flow set', async () => {
    const loaded = await loadFlows('flows', { actions: builtInActions });
    if (!loaded.ok) throw new Error('the demo flows do not load');
    expect(suggestionIndexOf(loaded.flowSet.chips)).toBe(suggestionIndexOf(loaded.flowSet.chips));
    expect(suggestionIndexOf(loaded.flowSet.chips).suggest('fapiao', 'zh-Hans').map((s) => s.text)).toContain('能开发票吗');
  });
});

describe('GET /webchat/suggest and the chat page', () => {
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestKefu(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const get = async (query: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}/webchat/suggest?${query}`, { headers });
    return { status: response.status, body: await response.json() };
  };

  it('answers what was typed, in the script typed', async () => {
    const { status, body } = await get(`q=${encodeURIComponent('發票')}`);
    expect(status).toBe(200);
    expect(body.suggestions[0]).toEqual({ text: '能開發票嗎', payload: '/invoice' });
  });

  it('reads pinyin in the page\'s language, or the browser\'s', async () => {
    expect((await get('q=cmz&lang=zh-TW')).body.suggestions[0].text).toBe('尺碼怎麼選');
    expect((await get('q=cmz', { 'accept-language': 'zh-CN' })).body.suggestions[0].text).toBe('尺码怎么选');
  });

  it('gives nothing for nothing typed, and refuses a missing, oversized or hostile query (400)', async () => {
    expect((await get('q=')).body).toEqual({ suggestions: [] });
    expect((await get('')).status).toBe(400);
    expect((await get(`q=${'x'.repeat(201)}`)).status).toBe(400);
    expect((await get('q=a&lang=%3Cscript%3E')).status).toBe(400);
    expect((await get('q=%E9%80%80&q=cmz')).status).toBe(400);
  });

  it('offers questions while the buyer types Chinese, and a tap asks it', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.evaluate(() => (window as unknown as { kefu: { ready: Promise<unknown> } }).kefu.ready);
    await page.locator('#text').pressSequentially('退款', { delay: 30 });
    const offered = page.locator('#suggestions button');
    await expect.poll(() => offered.allTextContents(), { timeout: 10_000 }).toContain('退款多久到账');
    await offered.filter({ hasText: '退款多久到账' }).click();
    await expect.poll(() => page.locator('.bubble.me').last().textContent(), { timeout: 10_000 }).toBe('退款多久到账');
    expect(await page.locator('#text').inputValue()).toBe('');
    expect(await page.locator('#suggestions').isHidden()).toBe(true);
    await expect.poll(() => page.locator('.bubble.bot').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await context.close();
  });

  it('offers English questions to an English typist, follows the text as it changes, and Escape closes them', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    const input = page.locator('#text');
    await input.pressSequentially('where is', { delay: 30 });
    const offered = page.locator('#suggestions button');
    await expect.poll(() => offered.allTextContents(), { timeout: 10_000 }).toContain('Where is my parcel?');
    await input.fill('cancel');
    await expect.poll(() => offered.allTextContents(), { timeout: 10_000 }).toContain('Cancel my order');
    expect(await offered.allTextContents()).not.toContain('Where is my parcel?');
    await input.press('Escape');
    expect(await page.locator('#suggestions').isHidden()).toBe(true);
    await context.close();
  });
});
