// The web chat page as a buyer uses it: a real Chromium opens the page that a real Kefu serves,
// types, presses Enter, clicks the bot's buttons and reads the bubbles. The bot's answers come
// from the demo shop's flows; replies that come later are sent through the conversation service,
// the way an agent's desk sends them.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Reply } from '../../dialogs/messages.ts';
import type { RunningServer } from '../../server.ts';
import { launchBrowser } from '../support/browser.ts';
import { identityEnv, signedBuyer } from '../support/buyer-tokens.ts';
import { startTestKefu } from '../support/start-kefu.ts';

// What the page exposes for tests and embedding shops (see adapters/webchat/public/index.html).
declare global {
  interface Window {
    kefu: { conversationId: string; ready: Promise<unknown> };
    __xss?: number;
    kefuIdentity?: () => Promise<string | null>;
    identityAsks?: number;
  }
}

// Waits for the page are bounded well inside vitest's 30 s so that a failure names what was awaited.
const WAIT_MS = 10_000;

let server: RunningServer;
let browser: Browser;
let contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestKefu({ env: identityEnv }), launchBrowser()]);
});

afterEach(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  contexts = [];
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * A buyer opens the chat page: every call is a new browser profile (so a new conversation), in the
 * given browser language, and returns once the page's stream of later replies is connected.
 */
async function openChat(options: { locale?: string; query?: string; identityTokens?: string[]; baseUrl?: string; context?: BrowserContext } = {}): Promise<Page> {
  const context = options.context ?? (await browser.newContext({ locale: options.locale ?? 'zh-CN' }));
  contexts.push(context);
  if (options.identityTokens) {
    // The shop's site: hands the page these tokens one by one, then none, and counts the asks.
    await context.addInitScript((tokens) => {
      window.identityAsks = 0;
      window.kefuIdentity = async () => {
        window.identityAsks! += 1;
        return tokens.shift() ?? null;
      };
    }, options.identityTokens);
  }
  const page = await context.newPage();
  await page.goto(`${options.baseUrl ?? server.url}/${options.query ?? ''}`);
  await pageReady(page);
  return page;
}

/** Waits until the page's stream of later replies is connected (its "ready" event). */
async function pageReady(page: Page): Promise<void> {
  await page.evaluate(
    (waitMs) =>
      Promise.race([
        window.kefu.ready,
        new Promise((_, reject) => setTimeout(() => reject(new Error('the page never connected its stream of later replies')), waitMs)),
      ]),
    WAIT_MS,
  );
}

/** Types into the page's input and presses Enter, as a buyer does. */
async function type(page: Page, text: string): Promise<void> {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
}

/**
 * The words of each bubble of one kind ('bot', 'me', 'agent'), in order, without the titles of
 * the buttons drawn inside them; waits until there are at least `count` of them.
 */
async function bubbles(page: Page, kind: 'bot' | 'me' | 'agent' | 'notice', count = 1): Promise<string[]> {
  await page.locator(`.bubble.${kind}`).nth(count - 1).waitFor({ timeout: WAIT_MS });
  return page.locator(`.bubble.${kind}`).evaluateAll((divs) => divs.map((div) => div.firstChild?.textContent ?? ''));
}

/** Pushes replies to the open page the way an agent's answer or a reminder is sent: later, not as an answer. */
async function sendLater(page: Page, replies: Reply[]): Promise<void> {
  const conversationId = await page.evaluate(() => window.kefu.conversationId);
  await server.kefu.conversations.sendToBuyer(
    { channel: 'webchat', conversationId, buyerId: conversationId },
    replies,
    'agent',
    Date.now(),
  );
}

describe('the web chat page', () => {
  it('answers a size question typed into the input and sent with Enter', async () => {
    const page = await openChat();

    await type(page, '身高170体重60穿什么码');

    expect(await bubbles(page, 'me')).toEqual(['身高170体重60穿什么码']);
    expect(await bubbles(page, 'bot')).toEqual(['根据尺寸,您适合M号哦']);
    expect(await page.locator('#text').inputValue()).toBe('');
  });

  it('lets the buyer click the bot’s buttons and walks them through the size questions', async () => {
    const page = await openChat();

    await type(page, '你好');
    const [greeting] = await bubbles(page, 'bot');
    expect(greeting).toContain('亲,您好');
    const buttons = page.locator('.bubble.bot').first().getByRole('button');
    expect(await buttons.allTextContents()).toEqual(['帮我选尺码', '转人工客服']);

    await buttons.filter({ hasText: '帮我选尺码' }).click();
    expect(await bubbles(page, 'me', 2)).toEqual(['你好', '帮我选尺码']);
    expect((await bubbles(page, 'bot', 2))[1]).toContain('请问您的身高');

    await type(page, '175cm');
    expect((await bubbles(page, 'bot', 3))[2]).toContain('体重大概多少');

    await type(page, '70kg');
    expect((await bubbles(page, 'bot', 4))[3]).toBe('根据尺寸,您适合L号哦');
  });

  it('speaks the browser’s language: Traditional Chinese for zh-TW, English for en-US', async () => {
    const taiwan = await openChat({ locale: 'zh-TW' });
    expect(await taiwan.locator('#title').textContent()).toBe('線上客服');
    expect(await taiwan.locator('#text').getAttribute('placeholder')).toBe('輸入您的問題…');
    expect(await taiwan.locator('#send').textContent()).toBe('發送');
    expect(await taiwan.evaluate(() => document.documentElement.lang)).toBe('zh-Hant');

    await type(taiwan, '身高170體重60穿什麼碼');
    expect(await bubbles(taiwan, 'bot')).toEqual(['根據尺寸,您適合M號哦']);

    const american = await openChat({ locale: 'en-US' });
    expect(await american.locator('#title').textContent()).toBe('Customer service');
    expect(await american.locator('#text').getAttribute('placeholder')).toBe('Type your question…');
    expect(await american.locator('#send').textContent()).toBe('Send');
    expect(await american.evaluate(() => document.documentElement.lang)).toBe('en');

    const mainland = await openChat({ locale: 'zh-CN' });
    expect(await mainland.locator('#title').textContent()).toBe('在线客服');
    expect(await mainland.locator('#text').getAttribute('placeholder')).toBe('输入您的问题…');
  });

  it('shows a reply that comes later (an agent’s) on the page that is already open', async () => {
    const page = await openChat();

    await sendLater(page, [{ text: '您好,我是客服小王' }]);

    expect(await bubbles(page, 'agent')).toEqual(['您好,我是客服小王']);
  });

  it('shows text from the server as text, never as HTML', async () => {
    const page = await openChat();
    const hostile = '<img src=x onerror="window.__xss=1">';

    await sendLater(page, [
      {
        text: `看这里 ${hostile}`,
        buttons: [{ title: `<b>${hostile}</b>`, payload: '/greeting' }],
        card: { title: hostile, subtitle: hostile, url: 'javascript:window.__xss=2' },
      },
    ]);
    // The buyer's own words are echoed into the page too.
    await type(page, hostile);

    expect(await bubbles(page, 'agent')).toEqual([`看这里 ${hostile}`]);
    expect(await bubbles(page, 'me')).toEqual([hostile]);
    const agentBubble = page.locator('.bubble.agent');
    expect(await agentBubble.getByRole('button').textContent()).toBe(`<b>${hostile}</b>`);
    expect(await agentBubble.locator('.card').textContent()).toBe(hostile + hostile);
    // A card link that is not http(s) is shown as a plain title, never as a javascript: link.
    expect(await agentBubble.locator('.card a').getAttribute('href')).toBeNull();
    await agentBubble.locator('.card a').click();
    // The buyer's text also got an answer from the bot, so every bubble has been drawn by now.
    await bubbles(page, 'bot');
    expect(await page.locator('#log img, #log b, #log script').count()).toBe(0);
    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  });

  it('sends the product the page was opened from, so sizes come from that product’s chart', async () => {
    // 173 cm / 63 kg is M on the shop's default chart but L on the loosely cut hoodie's.
    const shopPage = await openChat();
    await type(shopPage, '身高173体重63穿什么码');
    expect(await bubbles(shopPage, 'bot')).toEqual(['根据尺寸,您适合M号哦']);

    const hoodiePage = await openChat({ query: '?productId=hoodie-fleece' });
    const sent: unknown[] = [];
    hoodiePage.on('request', (request) => {
      if (request.url().endsWith('/webchat/messages')) sent.push(request.postDataJSON());
    });

    await type(hoodiePage, '身高176体重66穿什么码');
    expect(await bubbles(hoodiePage, 'bot')).toEqual(['根据尺寸,您适合L号哦']);
    await type(hoodiePage, '身高173体重63穿什么码');
    expect(await bubbles(hoodiePage, 'bot', 2)).toEqual(['根据尺寸,您适合L号哦', '根据尺寸,您适合L号哦']);
    expect(sent).toEqual([
      expect.objectContaining({ productId: 'hoodie-fleece', text: '身高176体重66穿什么码' }),
      expect.objectContaining({ productId: 'hoodie-fleece', text: '身高173体重63穿什么码' }),
    ]);
  });

  it('keeps the newest reply in view, buttons and card included', async () => {
    const page = await openChat();
    await page.setViewportSize({ width: 400, height: 480 });
    for (let turn = 1; turn <= 3; turn++) {
      await type(page, '你好');
      await bubbles(page, 'bot', turn);
    }
    await sendLater(page, [{ text: '这款卫衣有货', card: { title: '加绒连帽卫衣', subtitle: '¥199' } }]);
    await bubbles(page, 'agent');

    const hidden = await page.evaluate(() => {
      const log = document.getElementById('log')!.getBoundingClientRect();
      const last = document.querySelector('.bubble.agent .card')!.getBoundingClientRect();
      return last.bottom - log.bottom;
    });
    expect(hidden).toBeLessThanOrEqual(0);
  });

  it('tells the buyer when a message could not be sent', async () => {
    const page = await openChat();
    let attempts = 0;
    await page.route('**/webchat/messages', (route) => {
      attempts++;
      return route.fulfill({ status: 400, contentType: 'application/json', body: '{"error":"bad request"}' });
    });

    await type(page, '在吗');

    expect(await bubbles(page, 'notice')).toEqual(['消息没发出去,请再试一次']);
    // A refused message is not retried: only "not now" (503) and lost connections are.
    expect(attempts).toBe(1);
    // The buyer's words are back in the box, to send again.
    expect(await page.locator('#text').inputValue()).toBe('在吗');
  });

  it('tells the buyer in the language they write, whatever the browser\'s', async () => {
    const page = await openChat({ locale: 'en-US' });
    await page.route('**/webchat/messages', (route) => route.fulfill({ status: 400, contentType: 'application/json', body: '{"error":"bad request"}' }));
    await type(page, '转人工');
    expect(await bubbles(page, 'notice')).toEqual(['消息没发出去,请再试一次']);
    await page.locator('#text').fill('');
    await type(page, '請幫我轉人工');
    expect(await bubbles(page, 'notice', 2)).toEqual(['消息没发出去,请再试一次', '訊息沒發出去,請再試一次']);
  });

  it('retries a message whose answer was lost, and the bot handles it once', async () => {
    const page = await openChat();
    const attempts: { messageId: string; duplicate: boolean }[] = [];
    await page.route('**/webchat/messages', async (route) => {
      // The server gets every attempt; the first answer is lost on the way back.
      const response = await route.fetch();
      attempts.push({ messageId: route.request().postDataJSON().messageId, duplicate: response.headers()['kefu-duplicate'] === 'true' });
      if (attempts.length === 1) return route.abort('connectionreset');
      return route.fulfill({ response });
    });

    await type(page, '身高170体重60穿什么码');

    expect(await bubbles(page, 'bot')).toEqual(['根据尺寸,您适合M号哦']);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]).toEqual({ messageId: attempts[0]!.messageId, duplicate: true });
  });

  it('delivers messages typed in quick succession in order, even when one must be retried', async () => {
    const page = await openChat();
    let first = true;
    await page.route('**/webchat/messages', (route) => {
      if (!first) return route.continue();
      first = false;
      return route.fulfill({ status: 503, headers: { 'retry-after': '1' }, contentType: 'application/json', body: '{"error":"busy"}' });
    });

    await type(page, '帮我推荐一下尺码');
    await type(page, '175');
    await type(page, '70');

    const answers = await bubbles(page, 'bot', 3);
    expect(answers[0]).toContain('请问您的身高');
    expect(answers[1]).toContain('体重大概多少');
    expect(answers[2]).toBe('根据尺寸,您适合L号哦');
  });

  it('ignores a malformed conversation or product id in the page address instead of failing every message', async () => {
    const page = await openChat({ query: `?conversationId=${encodeURIComponent('<bad id>')}&productId=${'x'.repeat(500)}` });

    const conversationId = await page.evaluate(() => window.kefu.conversationId);
    expect(conversationId).toMatch(/^[A-Za-z0-9_.:@-]{1,128}$/);
    await type(page, '身高170体重60穿什么码');
    expect(await bubbles(page, 'bot')).toEqual(['根据尺寸,您适合M号哦']);
  });

  it('still chats where the browser blocks storage or the page is served over plain HTTP', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    contexts.push(context);
    // What an embedding shop's iframe with storage blocked, on an http:// address, gives the page:
    // localStorage throws, and crypto.randomUUID (secure contexts only) is missing.
    await context.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new DOMException('storage is blocked', 'SecurityError');
        },
      });
      delete (Crypto.prototype as { randomUUID?: unknown }).randomUUID;
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await pageReady(page);

    await type(page, '身高170体重60穿什么码');
    expect(await bubbles(page, 'bot')).toEqual(['根据尺寸,您适合M号哦']);
    await sendLater(page, [{ text: '您好,我是客服小王' }]);
    expect(await bubbles(page, 'agent')).toEqual(['您好,我是客服小王']);
  });
});

describe('the web chat page with the shop\'s signed-in buyer', () => {
  const buyerId = 'page-buyer-1';
  /** The titles of the order buttons under the bot's first bubble. */
  const orderButtons = async (page: Page): Promise<string[]> => page.locator('.bubble.bot').first().getByRole('button').allTextContents();

  it('asks the site for the buyer\'s token and shows that buyer\'s own orders', async () => {
    const page = await openChat({ identityTokens: [await signedBuyer(buyerId)] });
    await type(page, '我的快递到哪了');
    expect((await bubbles(page, 'bot'))[0]).toContain('您问的是哪一笔订单');
    expect(await orderButtons(page)).toContain(`…${await ownOrderSuffix(3)} 修身弹力牛仔裤 · 已发货`);
    expect(await page.evaluate(() => window.identityAsks)).toBe(1);
  });

  it('asks for a fresh token once when Kefu says the token has expired, and sends the same message again', async () => {
    const expired = await signedBuyer(buyerId, { issuedAt: Date.now() - 3600_000, lifetimeSeconds: 600 });
    const page = await openChat({ identityTokens: [expired, await signedBuyer(buyerId)] });
    await type(page, '我的快递到哪了');
    expect((await bubbles(page, 'bot'))[0]).toContain('您问的是哪一笔订单');
    expect(await page.evaluate(() => window.identityAsks)).toBe(2);
    expect(await page.locator('.bubble.notice').count()).toBe(0);
  });

  it('goes on as a guest when the site has no better token than a refused one', async () => {
    const forged = await signedBuyer(buyerId, { secret: 'not-the-shop-secret-0123456789abcdef' });
    const page = await openChat({ identityTokens: [forged, forged] });
    await type(page, '我的快递到哪了');
    const [answer] = await bubbles(page, 'bot');
    expect(answer).not.toContain('您问的是哪一笔订单');
    expect(await orderButtons(page)).not.toContain(expect.stringContaining('修身弹力牛仔裤'));
    expect(await page.locator('.bubble.notice').count()).toBe(0);
    // Later messages go as a guest's too, without asking the site again and again.
    await type(page, '你好');
    await bubbles(page, 'bot', 2);
    expect(await page.evaluate(() => window.identityAsks)).toBe(2);
  });

  /** The last four characters of the buyer's sample order number n (docs/after-sale.md), e.g. "4203" for …03. */
  async function ownOrderSuffix(n: number): Promise<string> {
    const orders = await server.kefu.orders.listOrders({ channel: 'webchat', buyerId });
    return orders.find((o) => o.id.endsWith(String(n).padStart(2, '0')))!.id.slice(-4);
  }
});

describe('the demo page as `npm start` serves it (no identity secret, demo orders)', () => {
  let demo: RunningServer;
  beforeAll(async () => {
    demo = await startTestKefu();
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('says it is a demo, signs in a demo buyer and shows their sample orders, the same after a reload', async () => {
    const page = await openChat({ baseUrl: demo.url });
    expect(await page.locator('#demo-badge').isVisible()).toBe(true);
    expect(await page.locator('#demo-badge').textContent()).toBe('演示:已用演示买家身份登录,订单均为示例');
    await type(page, '我的快递到哪了');
    expect((await bubbles(page, 'bot'))[0]).toContain('您问的是哪一笔订单');
    const orders = await page.locator('.bubble.bot').first().getByRole('button').allTextContents();
    expect(orders).toContainEqual(expect.stringContaining('修身弹力牛仔裤 · 已发货'));

    // The same browser opens the page again: the same demo buyer, the same orders.
    const again = await openChat({ baseUrl: demo.url, context: page.context() });
    await type(again, '我的快递到哪了');
    await bubbles(again, 'bot');
    expect(await again.locator('.bubble.bot').first().getByRole('button').allTextContents()).toEqual(orders);
  });

  it('labels the demo in the browser\'s language', async () => {
    const page = await openChat({ baseUrl: demo.url, locale: 'en-US' });
    expect(await page.locator('#demo-badge').textContent()).toBe('Demo: signed in as a demo buyer; the orders are samples');
    const taiwan = await openChat({ baseUrl: demo.url, locale: 'zh-TW' });
    expect(await taiwan.locator('#demo-badge').textContent()).toBe('演示:已用演示買家身分登入,訂單均為示例');
  });

  it('shows no demo label where the shop signs its own buyers', async () => {
    const page = await openChat();
    expect(await page.locator('#demo-badge').isHidden()).toBe(true);
  });
});

describe('the web chat page when Kefu says "too many messages"', () => {
  let limited: RunningServer;
  beforeAll(async () => {
    limited = await startTestKefu({
      env: { KEFU__WEBCHAT__RATELIMIT__PERCONVERSATION: '1', KEFU__WEBCHAT__RATELIMIT__WINDOWSECONDS: '2' },
    });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('waits as long as Retry-After says, sends the same message again and shows the answer', async () => {
    const page = await openChat({ baseUrl: limited.url });
    let refused = 0;
    page.on('response', (response) => {
      if (response.url().endsWith('/webchat/messages') && response.status() === 429) refused++;
    });
    await type(page, '你好');
    await bubbles(page, 'bot');
    await type(page, '身高170体重60穿什么码');
    expect((await bubbles(page, 'notice'))[0]).toMatch(/^消息发得太快啦,\d+秒后自动重发~$/);
    expect((await bubbles(page, 'bot', 2))[1]).toBe('根据尺寸,您适合M号哦');
    expect(refused).toBeGreaterThan(0);
    expect(await bubbles(page, 'me', 2)).toEqual(['你好', '身高170体重60穿什么码']);
  });
});

