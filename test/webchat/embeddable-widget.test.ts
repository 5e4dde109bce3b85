// The embeddable widget (issue 15 item 5): one script tag on a plain page of the shop, served from
// another origin, puts a chat bubble there; a click opens the chat with the page's context (page
// kind, product) in the page's language, and the shop page's window.kefuIdentity vouches for the
// buyer through postMessage — only to the widget's own frame.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '../../server.ts';
import { launchBrowser } from '../support/browser.ts';
import { identityEnv, signedBuyer } from '../support/buyer-tokens.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

const WAIT_MS = 10_000;
let kefu: RunningServer;
let browser: Browser;
let shop: Server;
let shopUrl: string;
let contexts: BrowserContext[] = [];
/** The shop's pages by path; each test writes the page it needs. */
const pages = new Map<string, string>();

beforeAll(async () => {
  [kefu, browser] = await Promise.all([startTestKefu({ env: identityEnv }), launchBrowser()]);
  shop = createServer((request, response) => {
    const page = pages.get(request.url ?? '');
    response.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(page ?? 'not found');
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  // "localhost" and "127.0.0.1" are different sites to the browser: the shop is cross-site from Kefu.
  shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  contexts = [];
});

afterAll(async () => {
  await browser?.close();
  await kefu?.close();
  await new Promise((resolve) => shop?.close(resolve));
});

/** A shop page with the widget's tag, and optionally the shop's identity function handing out `token`. */
function shopPage(options: { lang: string; attributes: string; token?: string }): string {
  const identity = options.token === undefined ? '' : `<script>window.asks = 0; window.kefuIdentity = async () => { window.asks += 1; return ${JSON.stringify(options.token)}; };</script>`;
  return `<!doctype html><html lang="${options.lang}"><head><meta charset="utf-8"><title>Shop</title>
<style>button { color: red !important; font-size: 40px !important; }</style></head>
<body><h1>Product</h1>${identity}
<script src="${kefu.url}/webchat/widget.js" async ${options.attributes}></script></body></html>`;
}

async function openShopPage(path: string, html: string): Promise<Page> {
  pages.set(path, html);
  const context = await browser.newContext({ locale: 'en-US' });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${shopUrl}${path}`);
  return page;
}

async function say(page: Page, text: string): Promise<string> {
  const chat = page.frameLocator('#kefu-widget iframe');
  const before = await chat.locator('.bubble.bot').count();
  await chat.locator('#text').fill(text);
  await chat.locator('#text').press('Enter');
  await expect.poll(() => chat.locator('.bubble.bot').count(), { timeout: WAIT_MS }).toBeGreaterThan(before);
  return (await chat.locator('.bubble.bot').allTextContents()).slice(before).join('\n');
}

describe('the embeddable widget on a plain page of the shop', () => {
  it('is served as a script, cached briefly', async () => {
    const response = await fetch(`${kefu.url}/webchat/widget.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await response.text()).toContain('kefuIdentity');
  });

  it('opens the chat in the page\'s language with the product in view, and the shop vouches for the buyer', async () => {
    const token = await signedBuyer('widget-buyer-1');
    const page = await openShopPage('/tee', shopPage({ lang: 'zh-Hant', attributes: 'data-page="product" data-product-id="tee-classic"', token }));
    const bubble = page.locator('#kefu-widget .bubble');
    await expect.poll(() => bubble.textContent(), { timeout: WAIT_MS }).toBe('線上客服');
    // The shop's own styles do not reach into the widget.
    expect(await bubble.evaluate((element) => getComputedStyle(element).color)).toBe('rgb(255, 255, 255)');
    await bubble.click();
    const chat = page.frameLocator('#kefu-widget iframe');
    await expect.poll(() => chat.locator('#title').textContent(), { timeout: WAIT_MS }).toBe('線上客服');
    // The product page's chips, in Traditional script.
    await expect.poll(() => chat.locator('#chips button').allTextContents(), { timeout: WAIT_MS }).toContain('尺碼怎麼選');
    // The product in view: a stock question needs no product name.
    expect(await say(page, '有M碼嗎')).toMatch(/M碼/);
    // Signed in by the shop page: the parcel question is not answered with "you are not signed in".
    const parcel = await say(page, '我的快遞到哪了');
    expect(parcel).not.toMatch(/還沒有登/);
    expect(await page.evaluate(() => (window as unknown as { asks: number }).asks)).toBeGreaterThan(0);
    expect(await bubble.textContent()).toBe('關閉客服視窗');
    await bubble.click();
    expect(await page.locator('#kefu-widget iframe').isHidden()).toBe(true);
  });

  it('treats the buyer as a guest when the shop page vouches for nobody', async () => {
    const page = await openShopPage('/home', shopPage({ lang: 'en', attributes: 'data-page="home"' }));
    await page.locator('#kefu-widget .bubble').click();
    expect(await say(page, 'where is my parcel')).toMatch(/not signed in/);
  });

  it('hands the token only to its own frame, never to a message from elsewhere', async () => {
    const token = await signedBuyer('widget-buyer-2');
    const page = await openShopPage('/cart', shopPage({ lang: 'en', attributes: 'data-page="cart"', token }));
    await page.locator('#kefu-widget .bubble').click();
    await expect.poll(() => page.frameLocator('#kefu-widget iframe').locator('#title').textContent(), { timeout: WAIT_MS }).toBe('Customer service');
    // A script on the page (or another frame) asks as the chat would: the widget does not answer it.
    const asksBefore = await page.evaluate(() => (window as unknown as { asks: number }).asks);
    await page.evaluate(() => window.postMessage({ kefu: 'identity-request', id: 'forged' }, '*'));
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { asks: number }).asks)).toBe(asksBefore);
  });

  it('drops context attributes of the wrong shape instead of passing them on', async () => {
    const page = await openShopPage('/odd', shopPage({ lang: 'en', attributes: 'data-page="../admin" data-product-id="<img src=x>" data-order-id="1 OR 1=1" data-color="red;background:url(x)"' }));
    await page.locator('#kefu-widget .bubble').click();
    const src = await page.locator('#kefu-widget iframe').getAttribute('src');
    expect(src).not.toMatch(/page=|productId=|orderId=/);
    await expect.poll(() => page.frameLocator('#kefu-widget iframe').locator('#title').textContent(), { timeout: WAIT_MS }).toBe('Customer service');
  });
});

describe('the order a page shows', () => {
  it('is a hint only: another buyer\'s order id from the page shows nothing of that order', async () => {
    const identityToken = await signedBuyer('widget-buyer-3');
    // KF20251120990001 belongs to another buyer of the demo order book (a pair of jeans).
    const answer = await postMessage(kefu.url, { conversationId: 'widget-order-hint', identityToken, orderId: 'KF20251120990001', text: 'where is my parcel' });
    expect(answer.status).toBe(200);
    const said = answer.body.replies.map((r: { text: string }) => r.text).join('\n');
    expect(said).not.toMatch(/Jeans|牛仔/);
  });

  it('is refused in a shape no order id has (400)', async () => {
    const answer = await postMessage(kefu.url, { conversationId: 'widget-order-shape', orderId: '../../etc/passwd', text: 'hi' });
    expect(answer.status).toBe(400);
  });
});
