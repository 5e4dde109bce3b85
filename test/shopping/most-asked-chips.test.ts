// The most-asked chips (webchat.mostAskedChips): what buyers ask from each kind of page is counted,
// and GET /webchat/chips puts the page's most-asked questions first, worded by the shop's chips. On
// a real Kefu over HTTP with Redis; the choice itself on the demo chips; a counter store that cannot
// answer leaves the merchant's chips in place; a hostile page kind in a message is refused.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisInsightStore } from '../../adapters/insight/redis-insight-store.ts';
import { periodTotals } from '../../dialogs/insight/hot-topics.ts';
import { loadFlows } from '../../dialogs/flows/load-flows.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { pageOf } from '../../dialogs/messages.ts';
import { MostAskedQuestions } from '../../dialogs/shopping/most-asked.ts';
import { chipsForPage } from '../../dialogs/shopping/page-chips.ts';
import type { RunningServer } from '../../server.ts';
import { eventually } from '../support/fake-marketplace.ts';
import { deleteKeysByPrefix, sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

const loaded = await loadFlows('flows', { actions: builtInActions });
if (!loaded.ok) throw new Error('the demo flows do not load');
const chips = loaded.flowSet.chips;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('choosing the most-asked chips', () => {
  it('puts the asked intents first, in the page\'s own wording, then the page\'s chips without repeats', () => {
    const picked = chipsForPage(chips, 'product', 'zh-Hans', undefined, { intents: ['ask_shipping', 'invoice', 'no_such_intent'], count: 2 });
    // ask_shipping is worded on the product page itself (几天能到); invoice only on the order page.
    expect(picked.map((c) => c.title)).toEqual(['几天能到', '开发票', '尺码怎么选', '还有货吗', '有优惠吗']);
  });

  it('takes no more than the count, and nothing with a count of 0', () => {
    // track_order is not a cart chip: worded by the first list that has it (home's).
    const one = chipsForPage(chips, 'cart', 'en', undefined, { intents: ['track_order', 'invoice', 'change_address'], count: 1 });
    expect(one.map((c) => c.title).slice(0, 2)).toEqual(['Where is my parcel?', 'Free shipping from how much?']);
    expect(chipsForPage(chips, 'cart', 'en', undefined, { intents: ['track_order'], count: 0 })).toEqual(chipsForPage(chips, 'cart', 'en'));
  });

  it('never borrows a chip meant for another product', () => {
    const picked = chipsForPage(chips, 'product', 'zh-Hans', 'tee-classic', { intents: ['ask_product_info'], count: 3 });
    expect(picked.map((c) => c.title)).not.toContain('抓绒卫衣会起球吗');
  });

  it('reads the page kind a message came from', () => {
    expect(pageOf({ page: 'cart' })).toBe('cart');
    expect(pageOf({ productId: 'x' })).toBe('product');
    expect(pageOf({ orderId: 'o' })).toBe('order');
    expect(pageOf(undefined)).toBeNull();
  });

  it('shows the shop\'s own chips when the counters cannot be read', async () => {
    // A Redis that is not there: nothing listens on port 1.
    const client = new Redis({ port: 1, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    const questions = new MostAskedQuestions({ store: new RedisInsightStore({ client, prefix: 'x:' }), logger: silent });
    expect(await questions.intents('cart')).toEqual([]);
    client.disconnect();
  });
});

describe('GET /webchat/chips with webchat.mostAskedChips on a real Kefu on Redis', () => {
  let server: RunningServer;
  const prefix = uniquePrefix('most-asked');
  const env = { KEFU__WEBCHAT__MOSTASKEDCHIPS: '2', KEFU__SESSIONS__KEYPREFIX: prefix };
  beforeAll(async () => {
    server = await startTestKefu({ redisUrl: sharedRedisUrl, env });
  });
  afterAll(async () => {
    await server?.close();
    const client = new Redis(sharedRedisUrl);
    await deleteKeysByPrefix(client, prefix);
    client.disconnect();
  });

  it('puts what cart-page buyers asked most first', async () => {
    const before = await fetch(`${server.url}/webchat/chips?page=cart&lang=zh-Hans`).then((r) => r.json());
    expect(before.chips[0].title).toBe('满多少包邮');
    const asks = ['怎么开发票啊', '能开专票吗', '发票怎么开', '我的快递到哪了'];
    for (const [i, text] of asks.entries()) {
      const answer = await postMessage(server.url, { conversationId: `most-asked-${i}-${Date.now()}`, text, page: 'cart' });
      expect(answer.status).toBe(200);
    }
    // The recorder writes after the answer: wait for the counters, not for a time.
    await eventually(async () => {
      const { current } = await periodTotals(server.kefu.insight.store, 'counts', '1d', Date.now(), 'page:cart:');
      return (current.get('invoice') ?? 0) >= 3 && (current.get('track_order') ?? 0) >= 1 ? true : undefined;
    }, 'the cart page\'s counters');
    // The first reading above is cached for a minute; a fresh Kefu process on the same Redis reads the counters now.
    const second = await startTestKefu({ redisUrl: sharedRedisUrl, env });
    try {
      const after = await fetch(`${second.url}/webchat/chips?page=cart&lang=zh-Hans`).then((r) => r.json());
      expect(after.chips.map((c: { title: string }) => c.title)).toEqual(['开发票', '我的快递到哪了', '满多少包邮', '能用优惠券吗', '付款遇到问题']);
      // Another kind of page is untouched.
      const home = await fetch(`${second.url}/webchat/chips?page=home&lang=zh-Hans`).then((r) => r.json());
      expect(home.chips[0].title).toBe('什么时候发货');
    } finally {
      await second.close();
    }
  });

  it('refuses a message naming a page kind Kefu does not know', async () => {
    for (const page of ['admin', '__proto__', 'cart ', 'CART', '']) {
      const answer = await postMessage(server.url, { conversationId: `most-asked-bad-${Date.now()}`, text: '你好', page });
      expect(answer.status).toBe(400);
    }
  });
});
