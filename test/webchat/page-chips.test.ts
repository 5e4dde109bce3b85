// Question chips by page (issue 15 item 1): the merchant writes them in the flow files' `chips:` part
// per page kind, some only for certain products; GET /webchat/chips gives the chat a page's chips in
// the buyer's language; the page shows them when it opens, and a tap asks the question.

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { languageOfAcceptLanguage, languageOfTag } from '../../adapters/webchat/webchat-chips.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { loadFlows } from '../../dialogs/flows/load-flows.ts';
import { formatProblem } from '../../dialogs/flows/problems.ts';
import { chipsForPage, MAX_CHIPS, type ChipDefinition, type PageKind } from '../../dialogs/shopping/page-chips.ts';
import type { RunningServer } from '../../server.ts';
import { launchBrowser } from '../support/browser.ts';
import { startTestKefu } from '../support/start-kefu.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const T = (zhHans: string, zhHant: string, en: string) => ({ 'zh-Hans': zhHans, 'zh-Hant': zhHant, en });

describe('picking a page\'s chips', () => {
  const size: ChipDefinition = { title: T('尺码怎么选', '尺碼怎麼選', 'Which size?'), payload: '/ask_size' };
  const stock: ChipDefinition = { title: T('有货吗', '有貨嗎', 'In stock?'), payload: '/ask_stock' };
  const fleece: ChipDefinition = { title: T('会起球吗', '會起球嗎', 'Does it pill?'), payload: '/ask_product_info', products: ['hoodie-fleece'] };
  const chips = new Map<PageKind, ChipDefinition[]>([['product', [size, stock, fleece]], ['cart', [stock]]]);

  it('puts this product\'s own chips first, then the page kind\'s', () => {
    expect(chipsForPage(chips, 'product', 'zh-Hans', 'hoodie-fleece').map((c) => c.payload)).toEqual(['/ask_product_info', '/ask_size', '/ask_stock']);
  });

  it('leaves another product\'s chips off', () => {
    expect(chipsForPage(chips, 'product', 'en', 'tee-basic')).toEqual([
      { title: 'Which size?', payload: '/ask_size' },
      { title: 'In stock?', payload: '/ask_stock' },
    ]);
  });

  it('titles them in the buyer\'s script', () => {
    expect(chipsForPage(chips, 'cart', 'zh-Hant')).toEqual([{ title: '有貨嗎', payload: '/ask_stock' }]);
  });

  it('shows none where the merchant named none, and never more than a glance\'s worth', () => {
    expect(chipsForPage(chips, 'order', 'zh-Hans')).toEqual([]);
    const many = new Map<PageKind, ChipDefinition[]>([['home', Array.from({ length: 10 }, (_, i) => ({ title: T(`问${i}`, `問${i}`, `q${i}`), payload: `question ${i}` }))]]);
    expect(chipsForPage(many, 'home', 'en')).toHaveLength(MAX_CHIPS);
  });

  it('does not repeat a question named both for the product and for the page', () => {
    const twice = new Map<PageKind, ChipDefinition[]>([['product', [size, { ...size, products: ['hoodie-fleece'] }]]]);
    expect(chipsForPage(twice, 'product', 'en', 'hoodie-fleece')).toHaveLength(1);
  });
});

describe('the language of the chips', () => {
  it('reads page and browser tags', () => {
    expect(languageOfTag('zh-TW')).toBe('zh-Hant');
    expect(languageOfTag('zh-Hant-HK')).toBe('zh-Hant');
    expect(languageOfTag('zh-CN')).toBe('zh-Hans');
    expect(languageOfTag('en-GB')).toBe('en');
    expect(languageOfTag('fr')).toBe('en');
  });

  it('takes the browser\'s most wanted language, ignoring junk', () => {
    expect(languageOfAcceptLanguage('en;q=0.5, zh-HK;q=0.9')).toBe('zh-Hant');
    expect(languageOfAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-Hans');
    expect(languageOfAcceptLanguage('<script>, ;q=abc')).toBeNull();
    expect(languageOfAcceptLanguage(undefined)).toBeNull();
  });
});

describe('chips in flow files', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  async function problemsOf(chipsYaml: string): Promise<string[]> {
    const dir = mkdtempSync(path.join(tmpdir(), 'kefu-chips-'));
    made.push(dir);
    cpSync(path.join(ROOT, 'flows'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'chips.yaml'), chipsYaml);
    const result = await loadFlows(dir, { actions: builtInActions, displayPath: (f) => path.relative(dir, f) });
    return result.ok ? [] : result.problems.map(formatProblem);
  }
  const title = '{ zh-Hans: 问, zh-Hant: 問, en: ask }';

  it('says where a chip names an intent the shop does not have', async () => {
    expect(await problemsOf(`chips:\n  product:\n    - title: ${title}\n      payload: /ask_colour\n`)).toEqual(['chips.yaml:4:16 chip payload "/ask_colour" names no intent']);
  });

  it('refuses a page kind Kefu does not know, and a title missing a language', async () => {
    expect((await problemsOf(`chips:\n  checkout:\n    - title: ${title}\n      payload: /ask_size\n`)).join('\n')).toMatch(/chips\.yaml:2:\d+ .*checkout/);
    expect((await problemsOf('chips:\n  home:\n    - title: { zh-Hans: 问 }\n      payload: /ask_size\n')).join('\n')).toMatch(/zh-Hant/);
  });

  it('adds up chips from several files in file order', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kefu-chips-'));
    made.push(dir);
    cpSync(path.join(ROOT, 'flows'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'zz-more-chips.yaml'), `chips:\n  home:\n    - title: ${title}\n      payload: 你们有实体店吗\n`);
    const result = await loadFlows(dir, { actions: builtInActions });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const home = result.flowSet.chips.get('home')!;
    expect(home.at(-1)).toMatchObject({ payload: '你们有实体店吗' });
    expect(home.length).toBeGreaterThan(1);
  });
});

describe('GET /webchat/chips and the chat page', () => {
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
    const response = await fetch(`${server.url}/webchat/chips?${query}`, { headers });
    return { status: response.status, body: await response.json() };
  };

  it('gives a product page its chips, the product\'s own first, in the page\'s language', async () => {
    const { status, body } = await get('page=product&productId=hoodie-fleece&lang=zh-Hant');
    expect(status).toBe(200);
    expect(body.chips.length).toBeGreaterThan(1);
    expect(body.chips[0]).toEqual({ title: '抓絨衛衣會起球嗎', payload: '/ask_product_info' });
    for (const chip of body.chips) expect(chip.title).not.toMatch(/[们这么码货吗]/u);
  });

  it('follows the browser\'s language when the page names none', async () => {
    const { body } = await get('page=cart', { 'accept-language': 'en-US,en;q=0.9' });
    expect(body.chips.length).toBeGreaterThan(0);
    for (const chip of body.chips) expect(chip.title).toMatch(/^[\x20-\x7e]+$/);
  });

  it('refuses a page kind it does not know, a hostile id, and a missing page (400)', async () => {
    expect((await get('page=checkout')).status).toBe(400);
    expect((await get('page=product&productId=../../admin')).status).toBe(400);
    expect((await get(`page=product&productId=${'x'.repeat(200)}`)).status).toBe(400);
    expect((await get('productId=hoodie-fleece')).status).toBe(400);
    expect((await get('page=home&lang=%3Cscript%3E')).status).toBe(400);
  });

  it('shows the chips when the chat opens on a product page, and a tap asks that question', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/?page=product&productId=hoodie-fleece`);
    const chips = page.locator('#chips button');
    await expect.poll(() => chips.count(), { timeout: 10_000 }).toBeGreaterThan(1);
    expect(await chips.first().textContent()).toBe('Does the fleece hoodie pill?');
    const titles = await chips.allTextContents();
    const size = titles.indexOf('Which size should I get?');
    expect(size).toBeGreaterThan(0);
    await chips.nth(size).click();
    // The tap shows as the buyer's message and the bot answers it (the size flow asks for the height).
    await expect.poll(() => page.locator('.bubble.me').last().textContent(), { timeout: 10_000 }).toBe('Which size should I get?');
    await expect.poll(() => page.locator('.bubble.bot').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.locator('.bubble.bot').last().textContent()).toMatch(/height|cm/i);
    await context.close();
  });

  it('offers the other chips again after an answer without buttons of its own', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/?page=product&productId=tee-classic`);
    const chips = page.locator('#chips button');
    await expect.poll(() => chips.allTextContents(), { timeout: 10_000 }).toContain('How long does delivery take?');
    await chips.filter({ hasText: 'How long does delivery take?' }).click();
    // The row hides at the tap and may be back already when the answer is quick: the tapped chip is gone either way.
    expect(await chips.allTextContents()).not.toContain('How long does delivery take?');
    await expect.poll(() => page.locator('.bubble.bot').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // The delivery answer has no buttons: the page's other questions come back, the one asked does not.
    await expect.poll(() => page.locator('#chips').isVisible(), { timeout: 10_000 }).toBe(true);
    const again = await chips.allTextContents();
    expect(again).toContain('Which size should I get?');
    expect(again).not.toContain('How long does delivery take?');
    await context.close();
  });

  it('shows no chip row on a page kind without chips, and the chat still works', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/?page=bogus-kind`);
    await page.evaluate(() => (window as unknown as { kefu: { ready: Promise<unknown> } }).kefu.ready);
    expect(await page.locator('#chips button').count()).toBe(0);
    await context.close();
  });
});
