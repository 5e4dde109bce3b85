// The shopping guide on a merchant API that searches by itself (`commerce.http.searchEndpoint`):
// a real Kefu over HTTP asks the loopback merchant API's GET /product-search (whose own search is
// unlike Kefu's) and shows what fits as cards, in all three scripts; a refinement asks again with
// the words of the search it narrows; the API down gives the graceful "system busy" reply (recovery is backend-down.test.ts's). The
// phrasings differ from the flows' own tests (flows/tests/shopping-guide.yaml).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { merchantApiEnv, startMerchantCatalogApi, type MerchantCatalogApi } from '../support/merchant-catalog-api.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

let api: MerchantCatalogApi;
let server: RunningServer;

beforeAll(async () => {
  api = await startMerchantCatalogApi();
  server = await startTestKefu({ env: merchantApiEnv(api, { timeoutMs: 400, retries: 0, searchEndpoint: true }) });
});
afterAll(async () => {
  await server?.close();
  await api?.close();
});

interface Turn {
  status: number;
  texts: string;
  cards: string[];
}

async function say(conversationId: string, text: string): Promise<Turn> {
  const answer = await postMessage(server.url, { conversationId, text });
  const replies = (answer.body?.replies ?? []) as { text: string; card?: { productId: string } }[];
  return { status: answer.status, texts: replies.map((r) => r.text).join('\n'), cards: replies.flatMap((r) => (r.card ? [r.card.productId] : [])) };
}

const searchesSince = (count: number) => api.searches.slice(count);

describe('the shopping guide asks the shop\'s own search', () => {
  it('zh-Hans: a warm jacket within a budget, then a cheaper one', async () => {
    api.mode = 'up';
    const before = api.searches.length;
    const first = await say('search-zh-1', '想买件暖和点的外套 三百块以内 有推荐吗');
    expect(first.status).toBe(200);
    expect(first.cards.length).toBeGreaterThan(0);
    expect(first.texts).toContain('给您挑了这几款');
    const [asked] = searchesSince(before);
    expect(asked).toMatchObject({ category: 'apparel', maxPrice: '300', language: 'zh-Hans', limit: '30' });
    expect(asked!.q).toContain('外套');

    const cheaper = await say('search-zh-1', '再便宜一点的有吗');
    expect(cheaper.status).toBe(200);
    const refined = searchesSince(before).at(-1)!;
    // The refinement asks with the words of the search it narrows, not just "cheaper".
    expect(refined.q).toContain('再便宜一点的有吗');
    expect(refined.q!.length).toBeGreaterThan('再便宜一点的有吗'.length);
    for (const id of cheaper.cards) expect(first.cards).not.toContain(id);
  });

  it('zh-Hant: trousers, then only black ones', async () => {
    const before = api.searches.length;
    const first = await say('search-hant-1', '想找褲子 有什麼推薦');
    expect(first.status).toBe(200);
    expect(first.texts).toContain('給您挑了這幾款');
    expect(first.cards.length).toBeGreaterThan(0);
    expect(searchesSince(before)[0]).toMatchObject({ language: 'zh-Hant', category: 'apparel' });

    const black = await say('search-hant-1', '黑色的有嗎');
    expect(black.status).toBe(200);
    expect(black.cards).toContain('jeans-slim');
    expect(black.cards).not.toContain('chinos-straight');
  });

  it('en: snacks under a budget, then others', async () => {
    const before = api.searches.length;
    const first = await say('search-en-1', 'need some snacks for a party, nothing over 40 bucks');
    expect(first.status).toBe(200);
    expect(first.texts).toContain('Here are a few that fit');
    expect(searchesSince(before)[0]).toMatchObject({ language: 'en', category: 'snack', maxPrice: '40' });
    const others = await say('search-en-1', 'any others?');
    expect(others.status).toBe(200);
    for (const id of others.cards) expect(first.cards).not.toContain(id);
  });

  it('the API down: the buyer gets the graceful busy reply in their language', async () => {
    api.mode = 'down';
    try {
      const down = await say('search-down-1', '有没有200以内的裤子');
      expect(down.status).toBe(200);
      expect(down.texts).toContain('店铺系统有点忙');
      expect(down.cards).toEqual([]);
    } finally {
      api.mode = 'up';
    }
  });
});
